-- never_worked: never worked / residents 16+ not in employment (TS065). base: MSOA.
-- grain: MSOA (area_code). inputs: census_share.
select * from census_share('TS065', 'msoa', 'Never worked$')
