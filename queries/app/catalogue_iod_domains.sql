-- catalogue_iod_domains: every Indices of Deprivation domain loaded, and whether it has
-- scores (resident-weighted above LSOA) and deciles (published, LSOA only).
-- grain: IoD edition and domain. inputs: deprivation_by_lsoa.
select
    edition,
    domain,
    count(score) > 0 as has_score,
    count(decile) > 0 as has_decile
from deprivation_by_lsoa
group by edition, domain
order by edition, domain
