-- stop_search_ethnicity: each search's Census 2021 broad ethnic group, for disproportionality.
-- grain: one row per stop_search_events row. Self-defined ethnicity (police.uk uses the
-- 2011 Census 18+1 labels) maps to the Census 2021 broad group; where the person did not
-- state it, the officer's observation is used, and `ethnicity_basis` says which.
-- requires: stop_search_events
create or replace table stop_search_ethnicity as
with mapped as (
    select
        event_id,
        lsoa21cd,
        case
            when self_defined_ethnicity like 'Asian%' then 'Asian, Asian British or Asian Welsh'
            when self_defined_ethnicity like 'Black%'
                then 'Black, Black British, Black Welsh, Caribbean or African'
            when self_defined_ethnicity like 'Mixed%' then 'Mixed or Multiple ethnic groups'
            when self_defined_ethnicity like 'White%' then 'White'
            when self_defined_ethnicity like 'Other ethnic group - Any other%'
                then 'Other ethnic group'
        end as self_defined_group,
        case officer_defined_ethnicity
            when 'Asian' then 'Asian, Asian British or Asian Welsh'
            when 'Black' then 'Black, Black British, Black Welsh, Caribbean or African'
            when 'Mixed' then 'Mixed or Multiple ethnic groups'
            when 'White' then 'White'
            when 'Other' then 'Other ethnic group'
        end as officer_defined_group
    from stop_search_events
)

select
    event_id,
    lsoa21cd,
    coalesce(self_defined_group, officer_defined_group) as ethnic_group,
    case
        when self_defined_group is not null then 'self-defined'
        when officer_defined_group is not null then 'officer-defined'
        else 'not recorded'
    end as ethnicity_basis
from mapped;
