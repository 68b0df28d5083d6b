-- stop_search_rate: searches placed in the LSOA / usual residents, per 1,000. base: LSOA
-- of the area mapped (police data cover that area only); LSOAs with no search count 0.
-- grain: LSOA (area_code). inputs: lsoa_residents, stop_search_events, areas.
with searches as (
    select lsoa21cd, count(*) as searches
    from stop_search_events
    where lsoa21cd is not null
    group by lsoa21cd
)

select p.area_code, coalesce(s.searches, 0) as numerator, p.residents as denominator
from lsoa_residents() as p
inner join areas as a on a.code = p.area_code and a.level = 'lsoa'
left join searches as s on s.lsoa21cd = p.area_code
