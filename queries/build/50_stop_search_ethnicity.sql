-- stop_search_ethnicity: each search's Census 2021 broad ethnic group, for disproportionality.
-- grain: one row per stop_search_events row. Following the Home Office convention, the
-- headline group (`ethnic_group`) is the person's self-defined ethnicity only; the officer's
-- observation is kept apart (`officer_defined_group`) for a sensitivity figure.
-- police.uk labels are "<group> - <detail>", the group in 2011 style ("Asian/Asian British",
-- "Black/African/Caribbean/Black British", "Mixed/Multiple ethnic groups", "White",
-- "Other ethnic group") or 2021 style ("Asian, Asian British or Asian Welsh", ...); both
-- map by their first word. Chinese is Asian in both Census classifications. A label ending
-- "- Not stated" is not an ethnicity: like a blank, the person did not state one.
-- `sensitivity_group`: the self-defined group, or the officer's where the person stated none.
-- requires: stop_search_events
create or replace table stop_search_ethnicity as
with labelled as (
    select
        event_id,
        lsoa21cd,
        nullif(trim(self_defined_ethnicity), '') as self_label,
        nullif(trim(officer_defined_ethnicity), '') as officer_label
    from stop_search_events
),

mapped as (
    select
        event_id,
        lsoa21cd,
        self_label,
        case
            when self_label is null or lower(self_label) like '%not stated' then null
            when self_label like 'Asian%' then 'Asian, Asian British or Asian Welsh'
            when self_label like 'Black%'
                then 'Black, Black British, Black Welsh, Caribbean or African'
            when self_label like 'Mixed%' then 'Mixed or Multiple ethnic groups'
            when self_label like 'White%' then 'White'
            when self_label like 'Other ethnic group%' then 'Other ethnic group'
        end as self_defined_group,
        case officer_label
            when 'Asian' then 'Asian, Asian British or Asian Welsh'
            when 'Black' then 'Black, Black British, Black Welsh, Caribbean or African'
            when 'Mixed' then 'Mixed or Multiple ethnic groups'
            when 'White' then 'White'
            when 'Other' then 'Other ethnic group'
        end as officer_defined_group
    from labelled
)

select
    event_id,
    lsoa21cd,
    self_label as self_defined_ethnicity,
    self_defined_group as ethnic_group,
    officer_defined_group,
    coalesce(self_defined_group, officer_defined_group) as sensitivity_group,
    case
        when self_defined_group is not null then 'self-defined'
        when officer_defined_group is not null then 'officer-defined'
        else 'not recorded'
    end as ethnicity_basis
from mapped;
