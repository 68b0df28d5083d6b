-- level_values_inside: every indicator's value, numerator and denominator for each area
-- of one level inside an area (the profile's gaps between groups weigh them by residents).
-- grain: indicator x area. inputs: indicator_values, areas. params: $level, $within.
select v.indicator_id, v.area_code, v.value, v.numerator, v.denominator
from indicator_values as v
inner join areas_inside($within, $level) as a on a.code = v.area_code
where v.level = $level
