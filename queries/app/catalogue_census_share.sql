-- catalogue_census_share: one Census category over its table's total per area, through the
-- census_share macro (the category matched exactly: $pattern is an anchored, escaped regex).
-- grain: area (area_code). inputs: census_share. params: $census_table, $area_level, $pattern.
select * from census_share($census_table, $area_level, $pattern)
