-- social_rented: social rented households / households (TS054). base: LSOA.
select * from census_share('TS054', 'lsoa', '^Social rented$')
