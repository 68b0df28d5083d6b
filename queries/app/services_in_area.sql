-- services_in_area: the service points placed in the LSOAs of one area, at most
-- $per_type of each kind (by name), so that one kind cannot crowd out the others.
-- grain: service. inputs: services, areas. params: $code, $per_type.
select s.service_type as service, s.name, s.postcode
from services as s
inner join areas_inside($code, 'lsoa') as a on a.code = s.lsoa21cd
qualify row_number() over (partition by s.service_type order by s.name) <= $per_type
order by s.service_type, s.name
