-- areas_in_words: what search.in_words() needs to name each of some areas: level, name,
-- Commons Library name, and the names of its (best-fit) ward and its district.
-- grain: area. inputs: areas. params: $codes (a list of area codes).
select
    a.code,
    a.level,
    a.name,
    a.name_hcl,
    a.display_name,
    ward.name as ward_name,
    district.name as district_name
from areas as a
left join areas as ward on ward.code = a.ward_code and ward.level = 'ward'
left join areas as district on district.code = a.lad_code and district.level = 'lad'
where list_contains($codes, a.code)
