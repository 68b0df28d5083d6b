-- composite_positions: the worse percentile and worst-10% flag of the named indicators for
-- every area of one level in the area mapped: what the composites are made of.
-- grain: area x indicator. inputs: indicator_values. params: $level, $ids (list).
select area_code, indicator_id, worse_percentile_wmca, flag_worst10_wmca
from indicator_values
where in_area and level = $level and indicator_id in (select unnest($ids))
