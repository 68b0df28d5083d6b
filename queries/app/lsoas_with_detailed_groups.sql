-- lsoas_with_detailed_groups: how many LSOAs an area has, and how many of them carry the
-- Census detailed ethnic groups (only the Nomis bulk TS021 LSOA file provides them).
-- grain: one row. inputs: areas, population_by_ethnicity. params: $within.
select
    count(*) as lsoas,
    count(*) filter (
        where a.code in (
            select area_code from population_by_ethnicity
            where level = 'lsoa' and group_level = 'detailed'
        )
    ) as with_detailed_groups
from areas_inside($within, 'lsoa') as a
