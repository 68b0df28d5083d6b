-- areas_named: areas whose name (or Commons Library name) contains the text, or whose
-- code it is; districts first, then wards, MSOAs and LSOAs. 20 at most.
-- grain: area. inputs: areas. params: $text.
select code, display_name as name, level
from areas
where
    level <> 'ca'
    and (
        name ilike '%' || $text || '%'
        or name_hcl ilike '%' || $text || '%'
        or code = upper($text)
    )
order by
    case level when 'lad' then 1 when 'ward' then 2 when 'msoa' then 3 else 4 end,
    name
limit 20
