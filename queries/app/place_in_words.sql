-- place_in_words: an area's name with the ward and district it lies in, as words
-- ("Birmingham 012B, in Lozells ward, Birmingham"), for a note's card.
-- grain: area. inputs: areas. params: $code.
select a.display_name
    || coalesce(', in ' || ward.name || ' ward', '')
    || coalesce(', ' || district.name, '') as words
from areas a
left join areas ward on ward.code = a.ward_code and ward.level = 'ward' and a.level = 'lsoa'
left join areas district on district.code = a.lad_code and district.level = 'lad'
    and a.level <> 'lad'
where a.code = $code
