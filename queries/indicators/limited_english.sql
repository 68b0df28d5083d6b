-- limited_english: residents 3+ who cannot speak English well or at all / residents 3+ (TS029).
-- grain: LSOA (area_code). inputs: census_share.
select * from census_share('TS029', 'lsoa', 'Cannot speak English')
