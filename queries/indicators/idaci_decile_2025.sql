-- idaci_decile_2025: IoD2025 income deprivation affecting children, national decile. base: LSOA.
-- grain: LSOA (area_code). inputs: deprivation_measure.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2025', 'idaci')
where decile is not null
