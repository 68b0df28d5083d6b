-- values_inside: one indicator's value for each area of one level inside an area, with
-- the unsuppressed value (numerator / denominator) where disclosure control withheld it:
-- gaps average over many areas and disclose no small count.
-- grain: area. inputs: indicator_values, areas. params: $indicator, $level, $within,
-- $multiplier.
select
    v.area_code,
    coalesce(v.value, v.numerator / nullif(v.denominator, 0) * $multiplier) as value
from indicator_values as v
inner join areas_inside($within, $level) as a on a.code = v.area_code
where v.indicator_id = $indicator and v.level = $level
