-- services_within: service points placed in LSOAs inside an area, for map overlays.
-- grain: service. inputs: services, areas. params: $within, $types (list).
select s.service_type, s.name, s.latitude, s.longitude
from services as s
inner join areas as a on a.code = s.lsoa21cd and a.level = 'lsoa'
where $within in (a.code, a.msoa_code, a.ward_code, a.lad_code, a.ca_code)
  and s.service_type in (select unnest($types))
  and s.latitude is not null;
