-- areas_by_postcode: the areas holding the postcodes that begin with an outward code and
-- the start of an inward code ("B10" and "", "B10" and "0", "B10" and "0HN"): the LSOAs
-- they lie in (Code-Point Open, placed by the build) and the MSOAs, wards and districts of
-- those LSOAs, each with how many of the postcodes it holds. The chosen level first, then
-- LSOAs, wards, MSOAs and districts; within a level, the areas holding most postcodes.
-- grain: area. inputs: postcodes, areas.
-- params: $outward (e.g. 'B10'), $inward ('' to '0HN'), $level (the level preferred), $limit.
with matching as (
    -- postcode_key has no space: the outward code is all but its last three characters
    select a.code, a.msoa_code, a.ward_code, a.lad_code
    from postcodes as p
    inner join areas as a on a.code = p.lsoa21cd
    where
        starts_with(p.postcode_key, $outward || $inward)
        and length(p.postcode_key) = length($outward) + 3
),

held as (
    -- one count per LSOA, MSOA, ward and district (the other codes are null in each set)
    select
        coalesce(code, msoa_code, ward_code, lad_code) as code,
        count(*) as postcodes
    from matching
    group by grouping sets ((code), (msoa_code), (ward_code), (lad_code))
)

select
    a.code,
    a.level,
    a.name,
    a.name_hcl,
    a.display_name,
    ward.name as ward_name,
    district.name as district_name,
    h.postcodes,
    count(*) over (partition by a.level) as areas_at_level,
    count(*) over () as areas_found
from held as h
inner join areas as a on a.code = h.code
left join areas as ward on ward.code = a.ward_code and ward.level = 'ward'
left join areas as district on district.code = a.lad_code and district.level = 'lad'
order by
    a.level = $level desc,
    case a.level when 'lsoa' then 1 when 'ward' then 2 when 'msoa' then 3 else 4 end,
    h.postcodes desc,
    a.name
limit $limit
