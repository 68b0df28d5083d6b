-- asian_share: Asian, Asian British or Asian Welsh residents / residents (TS021). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS021', 'lsoa', '^Asian, Asian British or Asian Welsh$')
