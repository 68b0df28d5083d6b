-- services_in_area: the service points placed in the LSOAs of one area (200 at most).
-- grain: service. inputs: services, areas. params: $code.
select s.service_type as service, s.name, s.postcode
from services as s
inner join areas_inside($code, 'lsoa') as a on a.code = s.lsoa21cd
order by s.service_type, s.name
limit 200
