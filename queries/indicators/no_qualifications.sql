-- no_qualifications: residents 16+ with no qualifications / residents 16+ (TS067). base: LSOA.
select * from census_share('TS067', 'lsoa', '^No qualifications$')
