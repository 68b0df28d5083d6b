-- values_of_parents: every area of one level in the area mapped, with one indicator's
-- value in the larger area it lies in (e.g. each LSOA with its MSOA's stop-and-search
-- rate), for indicators too sparse to rank at the smaller level.
-- grain: area. inputs: areas, indicator_values.
-- params: $id, $level, $parent_level, $parent_column (areas column naming the parent).
select a.code, v.value
from areas as a
left join indicator_values as v
    on v.area_code = case $parent_column
        when 'msoa_code' then a.msoa_code
        when 'ward_code' then a.ward_code
        when 'lad_code' then a.lad_code
    end
    and v.level = $parent_level
    and v.indicator_id = $id
where a.level = $level and v.in_area
