-- other_ethnic_share: Other ethnic group residents / residents (TS021). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS021', 'lsoa', '^Other ethnic group$')
