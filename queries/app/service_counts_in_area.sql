-- service_counts_in_area: how many service points of each kind are placed in the LSOAs
-- of one area.
-- grain: service type. inputs: services, areas. params: $code.
select s.service_type, count(*) as services
from services as s
inner join areas_inside($code, 'lsoa') as a on a.code = s.lsoa21cd
group by s.service_type
order by s.service_type
