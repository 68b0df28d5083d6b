-- lsoa_hierarchy: every LSOA 2021 in the ward lookup with its MSOA, ward and district,
-- nationally, so indicators can be re-aggregated and ranked across England, not only
-- inside the area mapped. grain: LSOA 2021. MSOA by the ONS naming convention
-- ('Birmingham 067A' lies in 'Birmingham 067'); the combined authority from `areas`.
-- requires: areas, ward_lookup, src_msoa_names
create or replace table lsoa_hierarchy as
select
    l.lsoa21cd,
    m.msoa21cd,
    l.ward_code,
    l.lad_code,
    a.ca_code,
    a.code is not null as in_area
from ward_lookup as l
left join src_msoa_names as m on m.msoa21nm = left(l.lsoa21nm, length(l.lsoa21nm) - 1)
left join areas as a on a.code = l.lsoa21cd and a.level = 'lsoa';
