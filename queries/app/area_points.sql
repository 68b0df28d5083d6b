-- area_points: a label point inside each area of a level within an area, for map markers.
-- grain: area. inputs: areas. params: $level, $within.
select code, label_lat, label_lon
from areas_inside($within, $level);
