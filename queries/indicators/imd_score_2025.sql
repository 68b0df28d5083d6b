-- imd_score_2025: IoD2025 IMD score, resident-weighted (score x residents / residents). base: LSOA.
-- grain: LSOA. inputs: deprivation_by_lsoa, census_counts (resident_weighted_score).
select * from resident_weighted_score('IoD2025', 'imd')
