"""The words the pages use, in plain English: the Glossary page, and the links to it from
where the terms appear (arp.ui.widgets.glossary_links)."""

from __future__ import annotations

from dataclasses import dataclass

from arp.scoring import SUPPRESS_DENOMINATOR_BELOW, SUPPRESS_NUMERATOR_BELOW


@dataclass(frozen=True)
class Term:
    anchor: str  # the heading's id on the Glossary page: glossary#<anchor>
    term: str
    meaning: str


TERMS: tuple[Term, ...] = (
    Term(
        "lsoa",
        "LSOA (neighbourhood)",
        "Lower layer Super Output Area: a small neighbourhood the Office for National "
        "Statistics draws for the Census, of 1,000 to 3,000 residents (400 to 1,200 "
        "households). The smallest area the maps show. Its name is its district's and a "
        "code, such as Birmingham 071B.",
    ),
    Term(
        "msoa",
        "MSOA",
        "Middle layer Super Output Area: a group of about four to six LSOAs, of 5,000 to "
        "15,000 residents. The maps use the House of Commons Library's names for them, such "
        "as the name of a local centre.",
    ),
    Term(
        "ward",
        "Ward",
        "An electoral ward: the area one or more local councillors are elected for. Ward "
        "boundaries change after reviews, and an LSOA can straddle two wards: each LSOA is "
        "counted in one ward, as the Office for National Statistics' lookup places it.",
    ),
    Term(
        "district",
        "District (local authority)",
        "A local council's area. The West Midlands Combined Authority has seven: Birmingham, "
        "Coventry, Dudley, Sandwell, Solihull, Walsall and Wolverhampton.",
    ),
    Term(
        "percentile",
        "Percentile",
        "Where an area's value sits among the areas it is compared with, from 0 (lowest) to "
        "100 (highest). A worse percentile turns the direction so that 100 is always the "
        "worst-placed area.",
    ),
    Term(
        "decile",
        "Decile",
        "One of ten equal groups of areas. The Indices of Deprivation rank every "
        "neighbourhood in England; decile 1 is England's most deprived tenth.",
    ),
    Term(
        "worst-tenth",
        "Worst 10% (⚑)",
        "An area flagged ⚑ is in the worst-placed tenth of the areas it is ranked among, on "
        "that measure. Where a measure has no better or worse direction, nothing is flagged.",
    ),
    Term(
        "suppression",
        "Suppressed (withheld)",
        f"A value resting on fewer than {SUPPRESS_NUMERATOR_BELOW} people or events counted, "
        f"or on fewer than {SUPPRESS_DENOMINATOR_BELOW} people or households, is withheld: "
        "small numbers can identify people and swing by chance. It is shown as withheld, "
        "never as zero.",
    ),
    Term(
        "interval",
        "95% interval",
        "The range a value would probably fall in if it were counted again: the value "
        "itself is an estimate. Two areas whose intervals overlap may not really differ. "
        "Scores such as the Index of Multiple Deprivation come with none.",
    ),
    Term(
        "composite",
        "Composite score",
        "One score made from several indicators: the average of their worse percentiles, "
        "weighted as the chosen scenario says (equal weights, or the room's votes). 100 is "
        "the worst-placed area.",
    ),
)

BY_ANCHOR = {term.anchor: term for term in TERMS}
