-- stop_search_by_lsoa: searches placed in each LSOA of an area, for the map overlay; LSOAs
-- with fewer than 10 are left out, as on every count-based view.
-- grain: LSOA. inputs: stop_search_events, areas. params: $within.
select a.code, a.label_lat, a.label_lon, count(*) as searches
from stop_search_events as e
inner join areas_inside($within, 'lsoa') as a on a.code = e.lsoa21cd
group by a.code, a.label_lat, a.label_lon
having count(*) >= 10;
