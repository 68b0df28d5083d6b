-- nearest_service_km(kind): straight-line km from each mapped LSOA's interior point to the
-- nearest service of that kind that has a location (haversine on a 6,371 km sphere).
-- requires: areas, services
create or replace macro nearest_service_km(kind) as table
with lsoa as (
    select code, label_lat, label_lon from areas where level = 'lsoa'
),

service as (
    select latitude, longitude from services
    where service_type = kind and latitude is not null
)

select
    l.code as area_code,
    min(
        2 * 6371 * asin(sqrt(
            power(sin(radians(s.latitude - l.label_lat) / 2), 2)
            + cos(radians(l.label_lat)) * cos(radians(s.latitude))
            * power(sin(radians(s.longitude - l.label_lon) / 2), 2)
        ))
    ) as km
from lsoa as l
cross join service as s
group by l.code;
