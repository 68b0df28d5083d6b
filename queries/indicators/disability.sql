-- disability: residents disabled under the Equality Act / all residents (TS038). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS038', 'lsoa', '^Disabled under the Equality Act$')
