-- stop_search_groups: searches placed in the LSOAs of an area by the person's own ethnic
-- group and by the sensitivity group (adding the officer's view where none was stated);
-- with $include_unplaced, the searches no LSOA could be found for too (the force area).
-- grain: ethnic group x sensitivity group. inputs: stop_search_ethnicity, areas.
-- params: $within, $include_unplaced.
select ethnic_group, sensitivity_group, count(*) as searches
from stop_search_ethnicity
where
    lsoa21cd in (select code from areas_inside($within, 'lsoa'))
    or ($include_unplaced and lsoa21cd is null)
group by all
