-- catalogue_services_per_resident: services of a kind placed in the area / usual residents
-- (as gp_practices_per_10k, for any service type).
-- grain: LSOA (area_code). inputs: lsoa_residents, services, areas. params: $service_type.
with placed as (
    select lsoa21cd, count(*) as services
    from services
    where service_type = $service_type and lsoa21cd is not null
    group by lsoa21cd
)

select p.area_code, coalesce(g.services, 0) as numerator, p.residents as denominator
from lsoa_residents() as p
inner join areas as a on a.code = p.area_code and a.level = 'lsoa'
left join placed as g on g.lsoa21cd = p.area_code
