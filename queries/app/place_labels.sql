-- place_labels: the names the map draws itself (districts, wards, MSOAs by their Commons
-- Library name), each at a point inside its area, with its display geometry for its size.
-- grain: area. inputs: areas. params: $within.
select level, code, display_name as name, label_lat, label_lon, geometry_display_wkb
from areas_inside($within, 'lad')
union all
select level, code, display_name as name, label_lat, label_lon, geometry_display_wkb
from areas_inside($within, 'ward')
union all
select level, code, display_name as name, label_lat, label_lon, geometry_display_wkb
from areas_inside($within, 'msoa')
order by level, code;
