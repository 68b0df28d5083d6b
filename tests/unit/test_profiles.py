"""The profile's summary and spine data: comparisons by interval, places along a spine,
worst-tenth counts, gaps between groups, stop-and-search ratios and the sentences they make,
on hand-made frames with the arithmetic worked out here (tests/test_profiles.py: the same
on the fixture database)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from arp import gaps, profiles
from arp.framework import load_framework


@pytest.mark.parametrize(
    ("value", "low", "high", "reference", "polarity", "expected"),
    [
        (30, 28, 32, 20, "higher_is_worse", "worse"),
        (30, 28, 32, 20, "higher_is_better", "better"),
        (10, 8, 12, 20, "higher_is_worse", "better"),
        (10, 8, 12, 20, "higher_is_better", "worse"),
        (19, 17, 21, 20, "higher_is_worse", "similar"),
        (30, 28, 32, 20, "no_judgement", "higher"),
        (10, 8, 12, 20, "no_judgement", "lower"),
        (30, 20, 32, 20, "higher_is_worse", "similar"),  # the interval's end touches it
        (30, np.nan, np.nan, 20, "higher_is_worse", "no interval"),
        (np.nan, np.nan, np.nan, 20, "higher_is_worse", "no value"),
        (30, 28, 32, np.nan, "higher_is_worse", "no reference"),
    ],
)
def test_a_value_is_compared_by_its_interval(value, low, high, reference, polarity, expected):
    assert profiles.compared(value, low, high, reference, polarity) == expected


def spine_frame(**columns) -> pd.DataFrame:
    base = {column: [np.nan] for column in (*profiles.SPINE_POSITIONS, *profiles.SPINE_SPREAD)}
    base["polarity"] = ["higher_is_worse"]
    return pd.DataFrame({**base, **{k: [v] for k, v in columns.items()}})


def test_a_spine_runs_worse_to_the_left_over_everything_it_draws():
    # Higher is worse: the highest (worst) value sits at 0, the lowest at 1.
    placed = profiles.spine_positions(
        spine_frame(
            value=30.0,
            ci_low=25.0,
            ci_high=35.0,
            region_value=20.0,
            england_value=50.0,  # beyond the range of areas: the spine reaches it
            peer_min=10.0,
            peer_p25=15.0,
            peer_p75=25.0,
            peer_max=40.0,
        )
    ).iloc[0]
    span = 50.0 - 10.0
    assert placed["pos_value"] == pytest.approx(1 - (30 - 10) / span)
    assert placed["pos_england_value"] == pytest.approx(0.0)
    assert placed["pos_region_value"] == pytest.approx(1 - (20 - 10) / span)
    # The ends keep their order once flipped: min below max, low below high.
    assert placed["pos_peer_min"] == pytest.approx(1 - (40 - 10) / span)
    assert placed["pos_peer_max"] == pytest.approx(1.0)
    assert placed["pos_peer_p25"] < placed["pos_peer_p75"]
    assert placed["pos_ci_low"] == pytest.approx(1 - (35 - 10) / span)
    assert placed["pos_ci_high"] == pytest.approx(1 - (25 - 10) / span)


def test_higher_is_better_and_no_judgement_run_low_to_the_left():
    for polarity in ("higher_is_better", "no_judgement"):
        placed = profiles.spine_positions(
            spine_frame(polarity=polarity, value=30.0, peer_min=10.0, peer_max=50.0)
        ).iloc[0]
        assert placed["pos_value"] == pytest.approx(0.5)
        assert placed["pos_peer_min"] == 0
        assert placed["pos_peer_max"] == 1


def test_a_spine_with_no_spread_puts_its_marks_in_the_middle_and_leaves_missing_ones_out():
    placed = profiles.spine_positions(spine_frame(value=7.0, peer_min=7.0, peer_max=7.0)).iloc[0]
    assert placed["pos_value"] == 0.5
    assert math.isnan(placed["pos_england_value"])


def rows(*flags) -> pd.DataFrame:
    """Spine-like rows: (title, kind, worst_england, worst_region)."""
    return pd.DataFrame(flags, columns=["title", "kind", "worst_england", "worst_region"])


def test_worst_tenth_counts_ranked_indicators_and_names_the_flagged_ones():
    spine = rows(
        ("A", "level", True, True),
        ("B", "level", False, True),
        ("C", "level", None, False),  # not ranked across England
        ("D", "context", None, None),  # context: never counted
        ("E", "level", True, None),
    )
    england = profiles.worst_tenth(spine, "worst_england", "England's wards")
    assert england == profiles.WorstTenth("England's wards", 3, ("A", "E"))
    region = profiles.worst_tenth(spine, "worst_region", "the region's wards")
    assert region == profiles.WorstTenth("the region's wards", 3, ("A", "B"))
    assert profiles.worst_tenth_sentence(england, "across England") == (
        "In the worst tenth of England's wards on 2 of the 3 indicators ranked across "
        "England: A; E."
    )
    # The second sentence counts what the first named, and names only the new ones.
    assert profiles.worst_tenth_sentence(region, "in the region", england.flagged) == (
        "In the worst tenth of the region's wards on 2 of the 3 indicators ranked in the "
        "region: the one above; B."
    )


@pytest.mark.parametrize(
    ("worst", "expected"),
    [
        (profiles.WorstTenth("X's", 0, ()), "No indicator loaded ranks it among X's."),
        (
            profiles.WorstTenth("X's", 1, ()),
            "Not in the worst tenth of X's on the one indicator ranked here.",
        ),
        (
            profiles.WorstTenth("X's", 1, ("A",)),
            "In the worst tenth of X's on the one indicator ranked here: A.",
        ),
        (
            profiles.WorstTenth("X's", 12, ()),
            "Not in the worst tenth of X's on any of the 12 indicators ranked here.",
        ),
        (
            profiles.WorstTenth("X's", 12, tuple("ABCDEFGH")),
            "In the worst tenth of X's on 8 of the 12 indicators ranked here: "
            "A; B; C; D; E; F; and 2 more.",
        ),
    ],
)
def test_worst_tenth_in_words(worst, expected):
    assert profiles.worst_tenth_sentence(worst, "here") == expected


FRAMEWORK = load_framework()


def lsoa_values(indicator_id: str, values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "area_code": list(values),
            "value": list(values.values()),
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )


def residents(table: dict[str, dict[str, int]]) -> pd.DataFrame:
    """{area: {group: residents}} with the total added, as residents_by_group_inside."""
    rows = []
    for area, groups in table.items():
        rows += [(area, g, n) for g, n in groups.items()]
        rows.append((area, gaps.ALL_RESIDENTS, sum(groups.values())))
    return pd.DataFrame(rows, columns=["area_code", "ethnic_group", "residents"])


BLACK = "Black, Black British, Black Welsh, Caribbean or African"
ASIAN = "Asian, Asian British or Asian Welsh"
PEOPLE = residents(
    {
        "L1": {gaps.WHITE: 900, BLACK: 100, ASIAN: 40},
        "L2": {gaps.WHITE: 100, BLACK: 300, ASIAN: 60},
    }
)


def test_the_largest_gap_is_the_worst_off_group_against_white_residents():
    values = lsoa_values("no_car", {"L1": 10.0, "L2": 50.0})
    (gap,) = profiles.largest_gaps(FRAMEWORK, values, PEOPLE)
    # White: (900*10 + 100*50) / 1000 = 14; Black: (100*10 + 300*50) / 400 = 40.
    # Asian (100 residents): (40*10 + 60*50) / 100 = 34, less far from White than Black.
    assert gap.group == BLACK
    assert gap.group_value == pytest.approx(40.0)
    assert gap.reference_value == pytest.approx(14.0)
    assert gap.ratio == pytest.approx(40 / 14)
    assert profiles.gap_sentence(gap) == (
        f"Households with no car or van: 40.0% of households on average where {BLACK} "
        "residents live, against 14.0% where White residents live (2.86 times theirs)."
    )


def test_where_higher_is_better_a_gap_is_the_group_with_less():
    values = lsoa_values("life_expectancy", {"L1": 82.0, "L2": 76.0})
    # life_expectancy has MSOA values only: no LSOA gap is drawn on it.
    assert profiles.largest_gaps(FRAMEWORK, values, PEOPLE) == []
    assert not profiles.gap_applies(FRAMEWORK.indicators["life_expectancy"])


def test_small_groups_context_measures_and_white_worst_off_give_no_gap():
    few = residents({"L1": {gaps.WHITE: 900, BLACK: 40}, "L2": {gaps.WHITE: 100, BLACK: 50}})
    values = lsoa_values("no_car", {"L1": 10.0, "L2": 50.0})
    assert profiles.largest_gaps(FRAMEWORK, values, few) == []  # 90 Black residents
    share = lsoa_values("asian_share", {"L1": 10.0, "L2": 50.0})
    assert profiles.largest_gaps(FRAMEWORK, share, PEOPLE) == []  # a context measure
    white_worst = lsoa_values("no_car", {"L1": 50.0, "L2": 10.0})
    assert profiles.largest_gaps(FRAMEWORK, white_worst, PEOPLE) == []
    one_area = lsoa_values("no_car", {"L1": 10.0})
    assert profiles.largest_gaps(FRAMEWORK, one_area, PEOPLE) == []


def test_a_withheld_value_counts_as_its_numerator_over_its_denominator():
    values = lsoa_values("no_car", {"L1": 10.0, "L2": np.nan})
    values.loc[1, ["numerator", "denominator"]] = [25.0, 50.0]  # 50%, as the Gaps page
    (gap,) = profiles.largest_gaps(FRAMEWORK, values, PEOPLE)
    assert gap.group_value == pytest.approx(40.0)


def test_gaps_are_the_largest_first_and_at_most_three():
    values = pd.concat(
        [
            lsoa_values("no_car", {"L1": 10.0, "L2": 50.0}),  # 40 / 14
            lsoa_values("unemployed", {"L1": 10.0, "L2": 11.0}),  # small
            lsoa_values("overcrowded", {"L1": 1.0, "L2": 20.0}),  # largest
            lsoa_values("no_qualifications", {"L1": 10.0, "L2": 30.0}),
        ]
    )
    found = profiles.largest_gaps(FRAMEWORK, values, PEOPLE)
    assert [g.indicator_id for g in found] == ["overcrowded", "no_car", "no_qualifications"]


def search_table(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["ethnic_group", "ratio_to_white", "ratio_ci_low", "ratio_ci_high"]
    )


def test_the_largest_stop_and_search_ratio_with_its_interval_in_words():
    table = search_table(
        [
            (ASIAN, 1.5, 1.2, 1.9),
            (BLACK, 3.1, 2.5, 3.8),
            (gaps.WHITE, 1.0, np.nan, np.nan),
            (gaps.NOT_STATED, np.nan, np.nan, np.nan),
            ("All residents", np.nan, np.nan, np.nan),
        ]
    )
    search = profiles.largest_search_gap(table, "13 months")
    assert search == profiles.SearchGap(BLACK, 3.1, 2.5, 3.8, "13 months")
    assert profiles.search_sentence(search) == (
        f"Stop and search (13 months): people who described themselves as {BLACK} were "
        "searched at 3.10 times the rate of White people (95% interval 2.50 to 3.80)."
    )
    wide = profiles.SearchGap(ASIAN, 1.27, 0.67, 2.41, "13 months")
    assert profiles.search_sentence(wide).endswith(
        "(95% interval 0.67 to 2.41); the interval includes 1, the same rate as White people's."
    )
    withheld = search_table([(BLACK, np.nan, np.nan, np.nan), (gaps.WHITE, 1.0, np.nan, np.nan)])
    assert profiles.largest_search_gap(withheld, "13 months") is None


@pytest.mark.parametrize(
    ("count", "by_kind", "expected"),
    [
        (0, {}, "What people said: no workshop note about this area has been approved yet."),
        (
            1,
            {"idea": 1},
            "What people said: 1 approved workshop note (1 idea for action), each in full below.",
        ),
        (
            4,
            {"barrier": 2, "asset": 1, "idea": 1},
            "What people said: 4 approved workshop notes (2 barriers, 1 asset, 1 idea for "
            "action), each in full below.",
        ),
    ],
)
def test_notes_in_words(count, by_kind, expected):
    assert profiles.notes_sentence(count, by_kind) == expected


def test_a_summary_says_what_it_cannot_compute():
    summary = profiles.AreaSummary(
        level="ca",
        residents=None,
        england=profiles.WorstTenth("England's combined authorities", 0, ()),
        region=None,
        gaps_missing="No gap here.",
    )
    assert [text for text, _ in summary.points()] == [
        "How many people live here is not in the data loaded (Census 2021).",
        "No indicator loaded ranks it among England's combined authorities.",
        "This is the whole region, so it is not ranked within it.",
        "No gap here.",
        "What people said: no workshop note about this area has been approved yet.",
    ]
    assert profiles.plural(1, "resident", "residents") == "1 resident"


@pytest.mark.parametrize(("kind", "indicator"), sorted(profiles.NEAREST_DISTANCE.items()))
def test_each_distance_indicator_measures_its_kind_of_service(kind, indicator):
    sql = FRAMEWORK.indicators[indicator].query_path.read_text(encoding="utf-8")
    assert re.findall(r"nearest_service_km\('([a-z_]+)'\)", sql) == [kind]
