-- bad_health: residents in bad or very bad health / all residents (Census 2021 TS037). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS037', 'lsoa', '(?i)^(very )?bad health$')
