-- unemployed: unemployed residents 16+ (students included) / residents 16+ (TS066). base: LSOA.
select * from census_share('TS066', 'lsoa', ': Unemployed$')
