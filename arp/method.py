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

# How much a composite depends on its weights (arp/robustness.py, arp/influence.py).
WEIGHTS_TEXT = """
- **Why ask.** Weights are a choice, and a room can reasonably choose others. So for every
  composite the app also asks: *would another reasonable choice of weights put this area in
  the worst 10% too?*
- **Plausible weightings.** The app draws 1,000 sets of weights around the scenario's: each
  set keeps the scenario's proportions on average, and each weight typically moves by about
  a quarter of its size either way (a Dirichlet distribution with concentration 10 per
  weight; with 8 equal weights, each varies by 29% of its value). Both levels vary: how much
  each domain counts, and how much each indicator counts within its domain. A weight the
  scenario sets to 0 stays 0. The composite is recomputed under every set, the same way as
  the map's. The draws are seeded, so the same weights always give the same answer.
- **Any weighting.** As an outer bound, the same count with weights drawn evenly over every
  possible weighting of what the scenario includes ("anything goes").
- **In words.** *In the worst 10% under 97% of plausible weightings*: robust (90% or more
  of the draws). *Depends on the weights (41%)*: between 10% and 90% of the draws. *Rarely*:
  10% or fewer. Beside it, the area's median rank over the draws and the range its rank
  stays in for 90% of them (the 5th to the 95th percentile).
- **Weight is not influence.** When indicators move together, the weight given to one
  rarely matches how much it decides the result. For each indicator the app shows its
  nominal share of the weight beside its effective influence: the share of the composite's
  variation it explains (the correlation ratio, estimated from the composite's average in 20
  equal-sized groups of areas along the indicator, and the squared correlation), scaled so
  the influences add up to 100%.
- **Saying the same thing twice.** Two indicators correlated at 0.9 or more carry nearly
  the same information: with both in, that information counts about twice. The IMD and its
  own domains are the obvious case. The correlation matrix below shows every pair.
- **Not only a weighted mean.** A high score in one domain can make up for a low one in
  another. So beside every composite is the count of indicators on which the area is in the
  worst 10% (as the US Climate and Economic Justice Screening Tool counts burdens): an area
  flagged on several cannot be hidden by a strength elsewhere.
- **References.** Paruolo, Saisana and Saltelli (2013), *Ratings and rankings: voodoo or
  science?*, Journal of the Royal Statistical Society A 176(3). OECD and European Commission
  Joint Research Centre (2008), *Handbook on Constructing Composite Indicators: Methodology
  and User Guide*. Saisana, Saltelli and Tarantola (2005), *Uncertainty and sensitivity
  analysis techniques as tools for the quality assessment of composite indicators*, Journal
  of the Royal Statistical Society A 168(2). The JRC's COINr package does the same analysis
  offline.
"""
