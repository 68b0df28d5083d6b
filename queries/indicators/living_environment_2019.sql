-- living_environment_2019: IoD2019 living environment national decile, on LSOA 2021.
-- grain: LSOA (area_code). inputs: deprivation_measure.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2019', 'living_environment')
where decile is not null
