-- catalogue_service_distance: km to the nearest service of a kind, resident-weighted above
-- LSOA (as distance_gp, for any service type).
-- grain: LSOA (area_code). inputs: nearest_service_km, lsoa_residents. params: $service_type.
select d.area_code, d.km * p.residents as numerator, p.residents as denominator
from nearest_service_km($service_type) as d
inner join lsoa_residents() as p on p.area_code = d.area_code
