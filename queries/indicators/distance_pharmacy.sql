-- distance_pharmacy: km to the nearest walk-in pharmacy (services holds no appliance
-- contractor or distance-selling pharmacy), resident-weighted above LSOA. base: LSOA.
-- grain: LSOA (area_code). inputs: lsoa_residents, nearest_service_km.
select d.area_code, d.km * p.residents as numerator, p.residents as denominator
from nearest_service_km('pharmacy') as d
inner join lsoa_residents() as p on p.area_code = d.area_code
