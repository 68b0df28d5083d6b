-- lsoa_residents(): usual residents per LSOA 2021 (Census 2021 TS001), England and Wales.
-- A table macro shared by the indicator queries (one per file: DuckDB binds a macro's
-- tables when it is created, so each states its own inputs).
-- requires: census_counts
-- grain: a table macro, one row per area it returns (area_code).
create or replace macro lsoa_residents() as table
select area_code, count as residents
from census_counts
where table_id = 'TS001' and level = 'lsoa' and category = 'Total';
