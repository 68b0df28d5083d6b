-- stop_search_by_lsoa: searches placed in each LSOA of an area, for the map overlay; LSOAs
-- with fewer than 10 are left out, as on every count-based view.
-- grain: LSOA. inputs: stop_search_events, areas. params: $within.
select a.code, a.label_lat, a.label_lon, count(*) as searches
from stop_search_events as e
inner join areas as a on a.code = e.lsoa21cd and a.level = 'lsoa'
where $within in (a.code, a.msoa_code, a.ward_code, a.lad_code, a.ca_code)
group by a.code, a.label_lat, a.label_lon
having count(*) >= 10;
