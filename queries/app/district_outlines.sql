-- district_outlines: the districts inside an area, for outlines on the map.
-- grain: district. inputs: areas. params: $within.
select code, name, geometry_display_wkb, label_lat, label_lon
from areas_inside($within, 'lad')
order by code;
