-- distance_gp: km to the nearest GP practice, resident-weighted above LSOA. base: LSOA.
-- grain: LSOA (area_code). inputs: lsoa_residents, nearest_service_km.
select d.area_code, d.km * p.residents as numerator, p.residents as denominator
from nearest_service_km('gp_practice') as d
inner join lsoa_residents() as p on p.area_code = d.area_code
