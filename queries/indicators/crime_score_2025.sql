-- crime_score_2025: IoD2025 Crime domain score (File 7), resident-weighted above LSOA. base: LSOA.
-- grain: LSOA. inputs: deprivation_by_lsoa, census_counts (resident_weighted_score).
select * from resident_weighted_score('IoD2025', 'crime')
