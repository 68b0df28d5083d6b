-- health_deprivation_score_2025: IoD2025 health deprivation and disability score (File 7),
-- grain: LSOA. inputs: deprivation_by_lsoa, census_counts (resident_weighted_score).
select * from resident_weighted_score('IoD2025', 'health')
