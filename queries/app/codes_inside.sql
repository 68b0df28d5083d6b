-- codes_inside: the codes of an area and of every area inside it (any level).
-- grain: area. inputs: areas. params: $code.
select code
from areas
where $code in (code, msoa_code, ward_code, lad_code, ca_code)
