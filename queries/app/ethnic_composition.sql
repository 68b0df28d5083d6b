-- ethnic_composition: residents of one area by Census 2021 ethnic group (broad, and
-- detailed where published), with each group's share of all residents (%).
-- grain: ethnic group. inputs: population_by_ethnicity. params: $code.
with groups as (
    select ethnic_group, group_level, residents
    from population_by_ethnicity
    where area_code = $code
)

select
    ethnic_group,
    group_level,
    residents,
    residents / (select residents from groups where group_level = 'total') * 100 as share
from groups
where group_level <> 'total'
order by group_level, residents desc
