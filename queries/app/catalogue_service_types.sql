-- catalogue_service_types: every kind of service loaded, with how many are placed.
-- grain: service type. inputs: services.
select service_type, count(*) as services
from services
group by service_type
order by service_type
