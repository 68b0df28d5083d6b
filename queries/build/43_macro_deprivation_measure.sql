-- deprivation_measure(edition, domain): rank, decile and score of one IoD domain per LSOA 2021.
-- requires: deprivation_by_lsoa
-- grain: a table macro, one row per area it returns (area_code).
create or replace macro deprivation_measure(iod_edition, iod_domain) as table
select lsoa21cd as area_code, rank, decile, score
from deprivation_by_lsoa
where edition = iod_edition and domain = iod_domain;
