-- white_share: White residents (all White groups) / residents (TS021). base: LSOA.
select * from census_share('TS021', 'lsoa', '^White$')
