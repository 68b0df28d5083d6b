-- unemployed: unemployed residents 16+ (students included) / residents 16+ (TS066). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS066', 'lsoa', ': Unemployed$')
