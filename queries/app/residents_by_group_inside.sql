-- residents_by_group_inside: residents of each ethnic group (broad or detailed, and the
-- total) in each area of one level inside an area.
-- grain: area x ethnic group. inputs: population_by_ethnicity, areas.
-- params: $within, $level, $group_level ('broad' or 'detailed').
select p.area_code, p.ethnic_group, p.residents
from population_by_ethnicity as p
inner join areas_inside($within, $level) as a on a.code = p.area_code
where p.level = $level and p.group_level in ($group_level, 'total')
