-- services_near: the nearest service points of each kind to one LSOA's centre (its
-- postcode-weighted centre, lsoa_centres), in straight-line km on the British National
-- Grid, as the distance indicators measure it; whether each is inside the LSOA.
-- grain: service. inputs: services, lsoa_centres. params: $code, $per_type.
with centre as (
    select easting, northing from lsoa_centres where area_code = $code
),

measured as (
    select
        s.service_type,
        s.name,
        s.postcode,
        coalesce(s.lsoa21cd = $code, false) as is_inside,
        sqrt(power(s.easting - c.easting, 2) + power(s.northing - c.northing, 2)) / 1000 as km
    from services as s
    cross join centre as c
    where s.easting is not null and s.northing is not null
)

select service_type, name, postcode, is_inside, km
from measured
qualify row_number() over (partition by service_type order by km, name) <= $per_type
order by service_type, km, name
