-- overcrowded: households with an occupancy rating for bedrooms of -1 or less / households (TS052).
select * from census_share('TS052', 'lsoa', ':\s*-\d')
