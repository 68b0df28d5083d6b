-- living_environment_score_2025: IoD2025 Living Environment domain score (File 7), resident-weighted above LSOA. base: LSOA.
select d.area_code, d.score * p.residents as numerator, p.residents as denominator
from deprivation_measure('IoD2025', 'living_environment') as d
inner join lsoa_residents() as p on p.area_code = d.area_code
where d.score is not null
