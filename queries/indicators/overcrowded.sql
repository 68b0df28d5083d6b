-- overcrowded: households with an occupancy rating for bedrooms of -1 or less / households (TS052).
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS052', 'lsoa', ':\s*-\d')
