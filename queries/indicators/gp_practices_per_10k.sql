-- gp_practices_per_10k: GP practices placed in the area / usual residents, per 10,000. base: LSOA.
-- grain: LSOA (area_code). inputs: lsoa_residents, services, areas.
with practices as (
    select lsoa21cd, count(*) as practices
    from services
    where service_type = 'gp_practice' and lsoa21cd is not null
    group by lsoa21cd
)

select p.area_code, coalesce(g.practices, 0) as numerator, p.residents as denominator
from lsoa_residents() as p
inner join areas as a on a.code = p.area_code and a.level = 'lsoa'
left join practices as g on g.lsoa21cd = p.area_code
