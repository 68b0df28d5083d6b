-- area_levels: every area's code and level (a compare link's areas are checked against it).
-- grain: area. inputs: areas.
select code, level
from areas
