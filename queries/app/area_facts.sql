-- area_facts: one area's code, names, level and the areas it lies in.
-- grain: area. inputs: areas. params: $code.
select code, name, name_hcl, display_name, level, lad_code, ca_code
from areas
where code = $code
