-- social_rented: social rented households / households (TS054). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS054', 'lsoa', '^Social rented$')
