-- life_expectancy_by_msoa: life expectancy at birth 2016-2020 on MSOA 2021.
-- grain: one row per MSOA 2021 x sex. The source is on MSOA 2011. An MSOA 2021 takes the
-- value only where it matches one MSOA 2011 exactly (same LSOAs, by the ONS exact-fit
-- lookup); otherwise the row says why it has no value.
-- requires: src_life_expectancy_msoa11, src_lsoa11_lsoa21_lookup, src_msoa_names
create or replace table life_expectancy_by_msoa as
with pairs as (
    select distinct
        left(lsoa11nm, length(lsoa11nm) - 1) as msoa11nm,
        left(lsoa21nm, length(lsoa21nm) - 1) as msoa21nm
    from src_lsoa11_lsoa21_lookup
),

one_to_one as (
    select msoa11nm, msoa21nm
    from pairs
    qualify count(*) over (partition by msoa11nm) = 1
        and count(*) over (partition by msoa21nm) = 1
),

msoa21 as (
    select msoa21cd, msoa21nm from src_msoa_names
),

sexes as (
    select distinct sex from src_life_expectancy_msoa11
)

select
    m.msoa21cd,
    s.sex,
    e.period,
    e.life_expectancy,
    e.ci_low,
    e.ci_high,
    e.deaths,
    e.population,
    e.msoa11cd,
    case
        when e.msoa11cd is not null then 'same area as MSOA 2011'
        else 'not mapped: MSOA boundaries changed in 2021'
    end as mapping
from msoa21 as m
cross join sexes as s
left join one_to_one as o on o.msoa21nm = m.msoa21nm
left join src_life_expectancy_msoa11 as e on e.msoa11nm = o.msoa11nm and e.sex = s.sex
order by m.msoa21cd, s.sex;
