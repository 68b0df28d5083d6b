-- most_deprived_tenth_2025: residents of LSOAs in IMD 2025 national decile 1 / residents. base: LSOA.
-- grain: LSOA (area_code). inputs: lsoa_residents, deprivation_measure.
select
    d.area_code,
    case when d.decile = 1 then p.residents else 0 end as numerator,
    p.residents as denominator
from deprivation_measure('IoD2025', 'imd') as d
inner join lsoa_residents() as p on p.area_code = d.area_code
where d.decile is not null
