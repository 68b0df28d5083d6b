-- households_deprived_2plus: households deprived in 2, 3 or 4 dimensions / households (TS011). base: LSOA.
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS011', 'lsoa', '^Household is deprived in (two|three|four) dimensions$')
