"""How every score is made, in plain English: shown on the Framework page."""

METHOD_TEXT = """
- **Values.** Each indicator is computed from its sources by one SQL file
  (`queries/indicators/`), as a numerator and a denominator per LSOA (or MSOA). Larger
  areas add up the numerators and denominators and divide again: rates are never averaged.
  Scores such as the IMD are averaged over residents.
- **Intervals.** Percentages carry a 95% Wilson interval; rates of counted events (such as
  stop and search) the 95% exact Poisson interval (from chi-square quantiles). Measures
  with no random variation have none: averages of scores, published ranks and deciles,
  complete counts (GP practices) and the share of residents in England's most deprived
  tenth (whole neighbourhoods counted).
- **Small numbers.** A value resting on fewer than 10 counted, or on fewer than 50 people
  or households, is *suppressed*: shown as suppressed, never as zero.
- **Position.** Within the area mapped (and within England where the data cover it), each
  area's percentile says where its value sits: 0 lowest, 100 highest; tied values share
  the average position. The *worse percentile* turns the direction so that 100 is always
  the worst-placed area. Indicators with no judgement (context) have none.
- **Worst 10%.** One rule for the map, tables, profiles and composite counts. An area is
  flagged when it and every area tied with it fit within the worst-placed tenth of the
  areas of its level that have a value: so at most a tenth are flagged, none when fewer
  than 10 are ranked, and a tie straddling the line is not flagged. A national decile
  answers the question itself: its flag is exactly "in England's most deprived tenth"
  (decile 1), which can cover more than a tenth of a deprived region's areas.
- **Composites.** A domain score is the weighted average of the worse percentiles of its
  indicators that the area has; the overall score averages the domain scores with the
  scenario's domain weights. Beside each score is the plain count of indicators in the worst
  10% (the same flags the map shows), so a good domain cannot hide a bad one. Gaps between
  ethnic groups are never mixed into these composites.
- **Stop and search in composites.** Most LSOAs have fewer than 10 searches, so their own
  rate is suppressed. So that the policing domain covers every neighbourhood, composites at
  LSOA level rank each LSOA on its MSOA's rate (the LSOAs of one MSOA share a position);
  the LSOA map of the rate itself still shows only LSOAs with enough searches.
- **Gaps between groups.** The average value experienced by the residents of each Census
  2021 ethnic group: each neighbourhood's value weighted by how many of the group live there.
  The 5 broad groups use LSOA values, with White as reference. The 19 detailed groups use
  White British as reference, on LSOA values when the Census file with all 20 categories at
  LSOA is loaded; otherwise on MSOA values, and MSOA averages hide differences within each
  MSOA, so gaps look smaller than at LSOA. Each table says which level it used.
"""
