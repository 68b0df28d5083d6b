-- indicator_at_level: one indicator's values, intervals, positions and flags for every
-- area of one level in the area mapped.
-- grain: area. inputs: indicator_values. params: $indicator, $level.
select
    area_code as code,
    value,
    ci_low,
    ci_high,
    suppressed,
    suppression_reason,
    percentile_wmca,
    worse_percentile_wmca,
    flag_worst10_wmca
from indicator_values
where indicator_id = $indicator and level = $level and in_area
