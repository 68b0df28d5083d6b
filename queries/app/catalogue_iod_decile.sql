-- catalogue_iod_decile: an IoD domain's published national decile (1 = most deprived).
-- grain: LSOA (area_code). inputs: deprivation_measure. params: $edition, $iod_domain.
select area_code, decile as value
from deprivation_measure($edition, $iod_domain)
where decile is not null
