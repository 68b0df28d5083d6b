-- area_names: code and display name of every area of one level (MSOAs by their
-- Commons Library name where there is one).
-- grain: area. inputs: areas. params: $level.
select code, display_name as name
from areas
where level = $level
order by code;
