-- disability: residents disabled under the Equality Act / all residents (TS038). base: LSOA.
select * from census_share('TS038', 'lsoa', '^Disabled under the Equality Act$')
