-- services_within: service points placed in LSOAs inside an area, for map overlays.
-- grain: service. inputs: services, areas. params: $within, $types (list).
select s.service_type, s.name, s.latitude, s.longitude
from services as s
inner join areas_inside($within, 'lsoa') as a on a.code = s.lsoa21cd
where s.service_type in (select unnest($types))
  and s.latitude is not null;
