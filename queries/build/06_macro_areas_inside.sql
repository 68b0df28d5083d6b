-- areas_inside(within_code, of_level): the areas of one level inside an area, or the area
-- itself when it is of that level. Written once here for every "within" in the app.
-- grain: area. inputs: areas (its msoa_code, ward_code, lad_code, ca_code ancestors).
-- requires: areas
create or replace macro areas_inside(within_code, of_level) as table
select *
from areas
where level = of_level and within_code in (code, msoa_code, ward_code, lad_code, ca_code);
