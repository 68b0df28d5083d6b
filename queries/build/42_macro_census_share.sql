-- census_share(table, level, pattern): per area, the count in the categories matching
-- `pattern` (a regular expression on the Census category label), and the table's total.
-- requires: census_counts
-- grain: a table macro, one row per area it returns (area_code).
create or replace macro census_share(census_table, area_level, numerator_pattern) as table
select
    area_code,
    coalesce(sum(count) filter (where regexp_matches(category, numerator_pattern)), 0)
        as numerator,
    max(count) filter (where category = 'Total') as denominator
from census_counts
where table_id = census_table and level = area_level
group by area_code;
