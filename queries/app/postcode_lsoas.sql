-- postcode_lsoas: every postcode placed in an LSOA, keyed as typed forms normalise it.
-- grain: postcode. inputs: postcodes. params: none.
select postcode_key, lsoa21cd
from postcodes
where lsoa21cd is not null
