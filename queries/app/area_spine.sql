-- area_spine: every indicator for one area, beside its benchmark area's and England's
-- values, its worst-tenth flags, and the spread of the areas it is ranked among (the
-- same level in the area mapped): what a spine chart draws.
-- grain: indicator. inputs: indicator_values.
-- params: $code, $benchmark, $england, $peer_level.
with peers as (
    select
        indicator_id,
        count(value) as peer_areas,
        min(value) as peer_min,
        quantile_cont(value, 0.25) as peer_p25,
        quantile_cont(value, 0.75) as peer_p75,
        max(value) as peer_max
    from indicator_values
    where level = $peer_level and in_area and value is not null
    group by indicator_id
)

select
    v.indicator_id,
    v.value,
    v.ci_low,
    v.ci_high,
    v.suppressed,
    v.suppression_reason,
    v.flag_worst10_wmca,
    v.flag_worst10_england,
    b.value as benchmark_value,
    e.value as england_value,
    p.peer_areas,
    p.peer_min,
    p.peer_p25,
    p.peer_p75,
    p.peer_max
from indicator_values as v
left join indicator_values as b
    on b.indicator_id = v.indicator_id and b.area_code = $benchmark
left join indicator_values as e
    on e.indicator_id = v.indicator_id and e.area_code = $england
left join peers as p on p.indicator_id = v.indicator_id
where v.area_code = $code
