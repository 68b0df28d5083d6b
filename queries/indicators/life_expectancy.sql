-- life_expectancy: life expectancy at birth, persons, 2016-2020, years. base: MSOA 2021.
-- published with its own 95% interval; not re-aggregated.
-- grain: MSOA (area_code). inputs: life_expectancy_by_msoa.
select
    msoa21cd as area_code,
    deaths as numerator,
    population as denominator,
    life_expectancy as value,
    ci_low,
    ci_high
from life_expectancy_by_msoa
where sex = 'Persons' and life_expectancy is not null
