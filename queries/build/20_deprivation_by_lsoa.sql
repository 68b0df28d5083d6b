-- deprivation_by_lsoa: English Indices of Deprivation 2025 by LSOA 2021.
-- grain: one row per LSOA x edition x domain, with rank, decile and score (1 = most deprived
-- for rank and decile; a higher score is more deprived). Ranks and deciles come from the
-- official files; the score from File 7 when provided, else the council compilation.
-- requires: deprivation_values
create or replace table deprivation_by_lsoa as
with iod2025 as (
    select * from deprivation_values where lsoa_year = 2021
),

ranked_sources as (
    select
        *,
        case source_id
            when 'iod2025_file7' then 1
            when 'iod2025_file1' then 2
            when 'iod2025_file3' then 3
            else 4
        end as priority
    from iod2025
),

best as (
    select lsoa_code, domain, measure, arg_min(value, priority) as value,
        arg_min(source_id, priority) as source_id
    from ranked_sources
    group by lsoa_code, domain, measure
)

select
    lsoa_code as lsoa21cd,
    'IoD2025' as edition,
    domain,
    max(value) filter (where measure = 'rank') as rank,
    max(value) filter (where measure = 'decile') as decile,
    max(value) filter (where measure = 'score') as score,
    max(source_id) filter (where measure = 'score') as score_source,
    cast(null as varchar) as lsoa11cd,
    'LSOA 2021 as published' as mapping
from best
group by lsoa_code, domain
order by lsoa21cd, domain;
