-- population_by_ethnicity: usual residents by Census 2021 ethnic group (TS021), every area.
-- grain: one row per area x ethnic group. LSOAs carry what the LSOA file provided gives: all
-- 20 categories from the Nomis bulk file (census2021-ts021-lsoa.csv), or only the 5 broad
-- groups from a report export (LSOA Ethnicity.csv). MSOAs carry all categories. Wards,
-- districts and the combined authority sum their LSOAs; where the LSOAs of a district have
-- no detailed categories, its detailed categories are summed from its MSOAs instead (MSOAs
-- nest in districts, not in wards). summed_from says which.
-- requires: census_counts, areas
create or replace table population_by_ethnicity as
with ts021 as (
    select area_code, level, category as ethnic_group, count as residents
    from census_counts
    where table_id = 'TS021'
),

lsoa as (
    select t.area_code, a.ward_code, a.lad_code, a.ca_code, t.ethnic_group, t.residents
    from ts021 as t
    inner join areas as a on a.code = t.area_code and a.level = 'lsoa'
    where t.level = 'lsoa'
),

msoa as (
    select t.area_code, a.lad_code, a.ca_code, t.ethnic_group, t.residents
    from ts021 as t
    inner join areas as a on a.code = t.area_code and a.level = 'msoa'
    where t.level = 'msoa'
),

combined as (
    select area_code, 'lsoa' as level, ethnic_group, residents, 'published' as summed_from
    from lsoa
    union all
    select area_code, 'msoa', ethnic_group, residents, 'published'
    from msoa
    union all
    select ward_code, 'ward', ethnic_group, sum(residents), 'lsoa'
    from lsoa group by ward_code, ethnic_group
    union all
    select lad_code, 'lad', ethnic_group, sum(residents), 'lsoa'
    from lsoa group by lad_code, ethnic_group
    union all
    select ca_code, 'ca', ethnic_group, sum(residents), 'lsoa'
    from lsoa where ca_code is not null group by ca_code, ethnic_group
    union all
    select lad_code, 'lad', ethnic_group, sum(residents), 'msoa'
    from msoa
    where ethnic_group like '%: %'
        and lad_code not in (
            select lad_code from lsoa where ethnic_group like '%: %' and lad_code is not null
        )
    group by lad_code, ethnic_group
    union all
    select ca_code, 'ca', ethnic_group, sum(residents), 'msoa'
    from msoa
    where ethnic_group like '%: %' and ca_code is not null
        and ca_code not in (
            select ca_code from lsoa where ethnic_group like '%: %' and ca_code is not null
        )
    group by ca_code, ethnic_group
)

select
    area_code,
    level,
    ethnic_group,
    cast(residents as bigint) as residents,
    case
        when ethnic_group = 'Total' then 'total'
        when ethnic_group like '%: %' then 'detailed'
        else 'broad'
    end as group_level,
    case when ethnic_group = 'Total' then null else split_part(ethnic_group, ': ', 1) end
        as broad_group,
    summed_from
from combined
order by level, area_code, ethnic_group;
