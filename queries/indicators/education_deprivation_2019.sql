-- education_deprivation_2019: IoD2019 education, skills and training national decile, on LSOA 2021.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2019', 'education')
where decile is not null
