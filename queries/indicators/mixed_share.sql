-- mixed_share: Mixed or Multiple ethnic groups residents / residents (TS021). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS021', 'lsoa', '^Mixed or Multiple ethnic groups$')
