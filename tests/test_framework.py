"""The framework file: the shipped one is valid and complete; bad edits are refused with reasons."""

from __future__ import annotations

import pytest

from arp.framework import FrameworkError, load_framework, parse_framework
from data_loaders import SOURCES_BY_ID

REQUIRED_DOMAINS = {
    "health",
    "education",
    "employment",
    "housing",
    "policing",
    "access",
    "civic",
    "belonging",
}
STAGED_INDICATORS = {
    "imd_score_2025",
    "imd_decile_2025",
    "idaci_decile_2025",
    "idaopi_decile_2025",
    "income_deprivation_2019",
    "health_deprivation_2019",
    "households_deprived_2plus",
    "no_qualifications",
    "no_car",
    "routine_or_never_worked",
    "never_worked",
    "life_expectancy",
    "stop_search_rate",
    "distance_gp",
    "distance_pharmacy",
    "distance_library",
    "gp_practices_per_10k",
    "asian_share",
}
UNSTAGED_CENSUS = {
    "bad_health": "census_ts037_lsoa",
    "disability": "census_ts038_lsoa",
    "overcrowded": "census_ts052_lsoa",
    "limited_english": "census_ts029_lsoa",
    "social_rented": "census_ts054_lsoa",
    "unemployed": "census_ts066_lsoa",
}

GOOD = """
[domains.health]
title = "Health"

[indicators.x]
title = "X"
description = "d"
domain = "health"
kind = "level"
polarity = "higher_is_worse"
measure = "proportion"
unit = "%"
multiplier = 100
base_level = "lsoa"
levels = ["lsoa", "ward"]
coverage = "england"
sources = ["census_ts045_lsoa"]
query = "no_car"
period = "2021"
caveats = "c"
"""


def test_the_shipped_framework_is_valid_and_has_the_eight_domains():
    framework = load_framework()
    assert set(framework.domains) >= REQUIRED_DOMAINS
    assert framework.in_domain("civic") == []  # shown as "no open data yet"
    assert set(framework.indicators) >= STAGED_INDICATORS


@pytest.mark.parametrize(("indicator", "source"), UNSTAGED_CENSUS.items())
def test_unstaged_census_indicators_are_declared_with_their_official_source(indicator, source):
    declared = load_framework().indicators[indicator]
    assert source in declared.sources
    assert source in SOURCES_BY_ID


def test_a_valid_edit_parses():
    framework = parse_framework(GOOD, set(SOURCES_BY_ID))
    assert framework.indicators["x"].levels == ("lsoa", "ward")
    assert framework.indicators["x"].multiplier == 100.0
    assert framework.indicators["x"].interval == "wilson"  # a proportion's default
    assert framework.indicators["x"].scale == "continuous"


def test_query_defaults_to_the_indicator_id():
    framework = parse_framework(
        GOOD.replace("[indicators.x]", "[indicators.no_car]").replace('query = "no_car"\n', ""),
        set(SOURCES_BY_ID),
    )
    assert framework.indicators["no_car"].query == "no_car"
    assert framework.indicators["no_car"].query_path.name == "no_car.sql"
    with pytest.raises(FrameworkError) as raised:
        parse_framework(GOOD.replace('query = "no_car"\n', ""), set(SOURCES_BY_ID))
    assert (
        "indicator 'x': no query file queries/indicators/x.sql (query defaults to the "
        "indicator's id)" in str(raised.value)
    )


def test_published_deciles_are_declared_as_deciles():
    framework = load_framework()
    deciles = {i.id for i in framework.indicators.values() if i.unit.startswith("national decile")}
    assert deciles >= {"imd_decile_2025", "idaci_decile_2025", "idaopi_decile_2025"}
    assert {framework.indicators[i].scale for i in deciles} == {"decile"}
    assert all(i.interval == "none" for i in framework.indicators.values() if i.scale == "decile")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('polarity = "higher_is_worse"', 'polarity = "worse"'), "polarity 'worse' is not one of"),
        (('domain = "health"', 'domain = "wealth"'), "unknown domain 'wealth'"),
        (('query = "no_car"', 'query = "nope"'), "no query file queries/indicators/nope.sql"),
        (('query = "no_car"', 'query = "../build/05_areas"'), "is not a query's name"),
        (('"census_ts045_lsoa"', '"census_ts999_lsoa"'), "unknown source(s) census_ts999_lsoa"),
        (('base_level = "lsoa"', 'base_level = "msoa"'), "cannot be reached from base level"),
        (("multiplier = 100\n", ""), "a proportion needs a multiplier"),
        (('kind = "level"', 'kind = "context"'), "a context indicator must have polarity"),
        (('caveats = "c"\n', ""), "indicator 'x': missing 'caveats'"),
        (("[domains.health]", "[domains.health"), "not valid TOML"),
        (('unit = "%"', 'unit = "%"\nscale = "ordinal"'), "scale 'ordinal' is not one of"),
        (('unit = "%"', 'unit = "%"\nscale = "decile"'), "a decile scale is for published"),
        (('unit = "%"', 'unit = "%"\ninterval = "exact_poisson"'), "a proportion cannot have"),
        (('unit = "%"', 'unit = "%"\ncomposite_level = "msoa"'), "composite_level 'msoa' must"),
    ],
)
def test_bad_edits_are_refused_with_the_reason(edit, message):
    old, new = edit
    with pytest.raises(FrameworkError) as raised:
        parse_framework(GOOD.replace(old, new), set(SOURCES_BY_ID))
    assert message in str(raised.value)


def test_every_problem_is_reported_at_once():
    text = GOOD.replace('polarity = "higher_is_worse"', 'polarity = "worse"').replace(
        'query = "no_car"', 'query = "nope"'
    )
    with pytest.raises(FrameworkError) as raised:
        parse_framework(text, set(SOURCES_BY_ID))
    assert str(raised.value).count("\n- ") == 2
