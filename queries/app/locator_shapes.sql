-- locator_shapes: the LSOAs of an area's district, then the area itself (last row), for
-- the locator map on a profile.
-- grain: area. inputs: areas. params: $code.
select a.code, a.geometry_display_wkb
from areas as a, areas as t
where t.code = $code and a.level = 'lsoa' and a.lad_code = t.lad_code
union all
select code, geometry_display_wkb
from areas
where code = $code
