-- black_share: Black, Black British, Black Welsh, Caribbean or African residents / residents (TS021).
select * from census_share('TS021', 'lsoa', '^Black, Black British, Black Welsh, Caribbean or African$')
