-- sources_loaded: one row per loaded source, for the Data sources page.
-- grain: source. inputs: sources. params: none.
select
    source_id,
    any_value(title) as title,
    any_value(publisher) as publisher,
    any_value(licence) as licence,
    any_value(attribution) as attribution,
    any_value(landing_page) as landing_page,
    count(*) as files,
    string_agg(file_name, '; ' order by file_name) as file_names,
    max(file_modified) as file_modified,
    sum(rows) as rows,
    max(loaded_at) as loaded_at,
    any_value(notes) as notes
from sources
group by source_id
order by source_id;
