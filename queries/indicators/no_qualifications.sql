-- no_qualifications: residents 16+ with no qualifications / residents 16+ (TS067). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS067', 'lsoa', '^No qualifications$')
