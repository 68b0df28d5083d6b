-- mixed_share: Mixed or Multiple ethnic groups residents / residents (TS021). base: LSOA.
select * from census_share('TS021', 'lsoa', '^Mixed or Multiple ethnic groups$')
