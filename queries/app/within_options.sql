-- within_options: the areas a map can be limited to: the combined authority, then districts.
-- grain: area. inputs: areas. params: none.
select code, name
from areas
where level in ('ca', 'lad')
order by case level when 'ca' then 0 else 1 end, name;
