-- routine_or_never_worked: NS-SeC L12, L13, L14 / residents 16+ (TS062). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS062', 'lsoa', '^L1[234][ .]')
