-- imd_decile_2025: IoD2025 Index of Multiple Deprivation national decile. base: LSOA.
-- grain: LSOA (area_code). inputs: deprivation_measure.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2025', 'imd')
where decile is not null
