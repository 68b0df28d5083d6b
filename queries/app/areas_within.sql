-- areas_within: the areas of one level inside an area, with what the map draws.
-- grain: area. inputs: areas. params: $level, $within.
select code, display_name as name, geometry_display_wkb, label_lat, label_lon
from areas_inside($within, $level)
order by code
