-- district_main_languages: each district's most common main languages after English, with
-- their share of residents aged 3 and over (Census 2021 TS024, main language detailed).
-- grain: district x language (the top $top of each). inputs: census_counts, areas.
-- params: $top.
with languages as (
    select
        c.area_code,
        a.name as district,
        regexp_replace(c.category, '^[^:]+: ', '') as main_language,
        c.count as residents,
        max(case when c.category = 'Total' then c.count end)
            over (partition by c.area_code) as residents_3_and_over
    from census_counts as c
    join areas as a on a.code = c.area_code and a.level = 'lad'
    where c.table_id = 'TS024' and c.level = 'lad'
),
ranked as (
    select
        *,
        row_number() over (
            partition by area_code order by residents desc, main_language
        ) as place
    from languages
    where main_language not in ('Total', 'Other language')
      and not starts_with(main_language, 'English')
      and residents > 0
)
select
    area_code,
    district,
    place,
    main_language,
    residents,
    residents / residents_3_and_over as share
from ranked
where place <= $top
order by district, place
