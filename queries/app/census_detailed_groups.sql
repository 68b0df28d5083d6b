-- census_detailed_groups: the Census 2021 detailed ethnic group labels loaded, for forms.
-- grain: ethnic group. inputs: population_by_ethnicity. params: none.
select distinct ethnic_group
from population_by_ethnicity
where group_level = 'detailed'
order by 1
