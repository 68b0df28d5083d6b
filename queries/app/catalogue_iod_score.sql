-- catalogue_iod_score: an IoD domain score, resident-weighted above LSOA.
-- grain: LSOA (area_code). inputs: resident_weighted_score. params: $edition, $iod_domain.
select * from resident_weighted_score($edition, $iod_domain)
