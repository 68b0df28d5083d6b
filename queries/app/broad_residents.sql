-- broad_residents: residents of one area by Census broad ethnic group, and in all.
-- grain: ethnic group. inputs: population_by_ethnicity. params: $code.
select ethnic_group, residents
from population_by_ethnicity
where area_code = $code and group_level in ('broad', 'total')
