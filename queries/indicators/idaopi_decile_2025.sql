-- idaopi_decile_2025: IoD2025 income deprivation affecting older people, national decile. base: LSOA.
-- grain: LSOA (area_code). inputs: deprivation_measure.
select area_code, null as numerator, null as denominator, decile as value
from deprivation_measure('IoD2025', 'idaopi')
where decile is not null
