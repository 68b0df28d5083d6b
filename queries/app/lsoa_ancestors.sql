-- lsoa_ancestors: each LSOA with the codes of the MSOA, ward, district and combined
-- authority it lies in (columns named as in areas; `code` is the LSOA itself).
-- grain: LSOA. inputs: areas. params: none.
select code, msoa_code, ward_code, lad_code, ca_code
from areas
where level = 'lsoa'
