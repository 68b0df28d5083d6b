-- deprivation_2019_mapped: adds IoD2019 domains (published on LSOA 2011) to
-- deprivation_by_lsoa, labelled 'IoD2019'.
-- Mapped through the ONS exact-fit lookup: unchanged (U) and split (S) LSOAs inherit their
-- 2011 value; merged (M) and redesigned (X) LSOAs get a row with no value and the reason.
-- requires: deprivation_by_lsoa, deprivation_values, src_lsoa11_lsoa21_lookup
-- grain: one row per LSOA 2021 x IoD2019 domain, added to deprivation_by_lsoa.
insert into deprivation_by_lsoa
with iod2019 as (
    select
        lsoa_code as lsoa11cd,
        domain,
        max(value) filter (where measure = 'rank') as rank,
        max(value) filter (where measure = 'decile') as decile,
        max(value) filter (where measure = 'score') as score
    from deprivation_values
    where lsoa_year = 2011
    group by lsoa_code, domain
),

lookup as (
    select lsoa11cd, lsoa21cd, change from src_lsoa11_lsoa21_lookup
),

changed_lsoa21 as (
    select lsoa21cd, min(change) as change
    from lookup
    where change in ('M', 'X')
    group by lsoa21cd
)

select
    l.lsoa21cd,
    'IoD2019' as edition,
    i.domain,
    i.rank,
    i.decile,
    i.score,
    case when i.score is not null then 'iod2019_file2' end as score_source,
    l.lsoa11cd,
    case l.change when 'U' then 'unchanged since 2011' else 'split since 2011: parent value' end
        as mapping
from lookup as l
inner join iod2019 as i on i.lsoa11cd = l.lsoa11cd
where l.change in ('U', 'S')
union all
select distinct
    c.lsoa21cd,
    'IoD2019',
    d.domain,
    null,
    null,
    null,
    null,
    null,
    case c.change
        when 'M' then 'not mapped: LSOAs merged since 2011'
        else 'not mapped: LSOA redesigned since 2011'
    end
from changed_lsoa21 as c
cross join (select distinct domain from iod2019) as d;
