-- other_ethnic_share: Other ethnic group residents / residents (TS021). base: LSOA.
select * from census_share('TS021', 'lsoa', '^Other ethnic group$')
