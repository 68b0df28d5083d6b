-- black_share: Black, Black British, Black Welsh, Caribbean or African residents / residents (TS021).
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS021', 'lsoa', '^Black, Black British, Black Welsh, Caribbean or African$')
