-- distance_school: km to the nearest open school, resident-weighted above LSOA. base: LSOA.
select d.area_code, d.km * p.residents as numerator, p.residents as denominator
from nearest_service_km('school') as d
inner join lsoa_residents() as p on p.area_code = d.area_code
