-- resident_weighted_score(edition, domain): an IoD domain score per LSOA 2021 as numerator
-- (score x usual residents) and denominator (usual residents), so larger areas get the
-- resident-weighted average score when their LSOAs' counts are summed.
-- grain: LSOA. inputs: deprivation_by_lsoa, census_counts (through the macros above).
-- requires: deprivation_by_lsoa, census_counts
create or replace macro resident_weighted_score(iod_edition, iod_domain) as table
select d.area_code, d.score * p.residents as numerator, p.residents as denominator
from deprivation_measure(iod_edition, iod_domain) as d
inner join lsoa_residents() as p on p.area_code = d.area_code
where d.score is not null;
