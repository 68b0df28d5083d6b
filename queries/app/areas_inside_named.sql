-- areas_inside_named: the code and display name of each area of one level inside an area.
-- grain: area. inputs: areas. params: $within, $level.
select code, display_name as name
from areas_inside($within, $level)
order by code
