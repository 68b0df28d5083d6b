-- no_car: households with no car or van / households (TS045). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS045', 'lsoa', '^No cars or vans')
