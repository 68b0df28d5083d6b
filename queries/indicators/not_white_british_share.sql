-- not_white_british_share: residents other than White British / residents (TS021). base: MSOA.
-- grain: MSOA (area_code). inputs: census_share.
select area_code, denominator - numerator as numerator, denominator
from census_share('TS021', 'msoa', '^White: English, Welsh, Scottish, Northern Irish or British$')
