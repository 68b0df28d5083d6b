-- stop_search_period: the first and last month of the police data loaded, and how many
-- months they cover, so no page writes the period by hand.
-- grain: one row. inputs: stop_search_events. params: none.
select
    min(month) as first_month,
    max(month) as last_month,
    count(distinct month) as months
from stop_search_events
