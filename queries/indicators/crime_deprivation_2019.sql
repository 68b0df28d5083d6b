-- crime_deprivation_2019: IoD2019 crime national decile, on LSOA 2021.
-- grain: LSOA (area_code). inputs: deprivation_measure.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2019', 'crime')
where decile is not null
