-- stop_search_groups_in_data: the broad groups that some self-defined label, and some
-- officer-observed label, in the loaded files maps to: whether a group can be counted at
-- all is a property of the data, not of one area's count.
-- grain: group x basis. inputs: stop_search_ethnicity. params: none.
select distinct ethnic_group as broad_group, 'self-defined' as basis
from stop_search_ethnicity where ethnic_group is not null
union
select distinct officer_defined_group, 'officer-observed'
from stop_search_ethnicity where officer_defined_group is not null
