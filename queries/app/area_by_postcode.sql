-- area_by_postcode: the LSOA a full postcode lies in (Code-Point Open).
-- grain: area. inputs: postcodes, areas. params: $key (postcode, upper case, no spaces).
select a.code, a.display_name as name, a.level
from postcodes as p
inner join areas as a on a.code = p.lsoa21cd
where p.postcode_key = $key
