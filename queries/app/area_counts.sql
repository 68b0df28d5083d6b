-- area_counts: how many areas of each level the database covers.
-- grain: level. inputs: areas. params: none.
select level, count(*) as areas
from areas
group by level
order by case level when 'ca' then 1 when 'lad' then 2 when 'ward' then 3 when 'msoa' then 4 else 5 end;
