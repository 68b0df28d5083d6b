-- catalogue_census_tables: every category of every loaded Census table, with the table's
-- total (its denominator), its source and its title, for the catalogue of measures.
-- grain: Census table, level and category. inputs: census_counts, sources.
select
    c.table_id,
    c.level,
    c.category,
    any_value(c.source_id) as source_id,
    any_value(s.title) as title,
    any_value(s.notes) as notes
from census_counts as c
left join sources as s on s.source_id = c.source_id
where c.category <> 'Total'
group by c.table_id, c.level, c.category
order by c.table_id, c.level, c.category
