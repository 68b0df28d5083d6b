-- nearest_service_km(kind): straight-line km from each mapped LSOA's postcode-weighted
-- centre (lsoa_centres: the mean of its Code-Point Open postcodes, or its interior point
-- where it has none; see centre_basis) to the nearest service of that kind with a location.
-- Planar distance in British National Grid metres (EPSG:27700): near the grid's central
-- meridian, as the West Midlands are, grid metres are 0.04% short of ground metres.
-- requires: lsoa_centres, services
-- grain: a table macro, one row per area it returns (area_code).
create or replace macro nearest_service_km(kind) as table
with service as (
    select easting, northing from services
    where service_type = kind and easting is not null and northing is not null
)

select
    c.area_code,
    min(sqrt(power(s.easting - c.easting, 2) + power(s.northing - c.northing, 2))) / 1000
        as km
from lsoa_centres as c
cross join service as s
group by c.area_code;
