-- attributions: the attribution line of each of the named sources that was loaded.
-- grain: attribution. inputs: sources. params: $ids (list of source ids).
select distinct attribution
from sources
where source_id in (select unnest($ids))
order by 1
