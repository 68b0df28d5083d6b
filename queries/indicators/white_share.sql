-- white_share: White residents (all White groups) / residents (TS021). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS021', 'lsoa', '^White$')
