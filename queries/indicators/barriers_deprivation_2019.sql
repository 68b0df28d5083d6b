-- barriers_deprivation_2019: IoD2019 barriers to housing and services national decile, on LSOA 2021.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2019', 'barriers')
where decile is not null
