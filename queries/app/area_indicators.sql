-- area_indicators: every indicator for one area, beside the same indicator for its
-- benchmark area (the combined authority, else the district) and for England.
-- grain: indicator. inputs: indicator_values. params: $code, $benchmark, $england.
select
    v.indicator_id,
    v.value,
    v.ci_low,
    v.ci_high,
    v.suppressed,
    v.suppression_reason,
    v.percentile_wmca,
    v.flag_worst10_wmca,
    b.value as benchmark_value,
    e.value as england_value,
    v.percentile_england
from indicator_values as v
left join indicator_values as b
    on b.indicator_id = v.indicator_id and b.area_code = $benchmark
left join indicator_values as e
    on e.indicator_id = v.indicator_id and e.area_code = $england
where v.area_code = $code
