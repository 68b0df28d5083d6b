"""Comparing areas: which areas a link may compare, the bar under each number, and the
indicator the chart starts on, on hand-made values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arp import comparison
from arp.framework import load_framework
from arp.view_state import MAX_COMPARE

LEVELS = {
    "E01000901": "lsoa",
    "E01000902": "lsoa",
    "E01000903": "lsoa",
    "E08000025": "lad",
    "E08000026": "lad",
}


def test_an_area_asked_for_twice_is_compared_once_in_the_order_given():
    chosen = comparison.choose(("E01000902", "E01000901", "E01000902"), LEVELS, "lsoa")
    assert chosen == comparison.Chosen("lsoa", ("E01000902", "E01000901"), ("E01000902",))


def test_a_link_naming_districts_compares_districts_whatever_its_level_says():
    chosen = comparison.choose(("E08000025", "E08000026", "E08000025"), LEVELS, "lsoa")
    assert chosen.level == "lad"
    assert chosen.codes == ("E08000025", "E08000026")
    assert chosen.repeated == ("E08000025",)


def test_areas_of_another_level_than_the_rest_are_left_out_and_said():
    chosen = comparison.choose(("E01000901", "E08000025", "E01000903"), LEVELS, "lsoa")
    assert chosen.codes == ("E01000901", "E01000903")
    assert chosen.other_level == ("E08000025",)


def test_at_most_six_areas():
    codes = [f"E0100{n:04d}" for n in range(MAX_COMPARE + 2)]
    chosen = comparison.choose(codes, dict.fromkeys(codes, "lsoa"), "lsoa")
    assert chosen.codes == tuple(codes[:MAX_COMPARE])
    assert chosen.too_many == tuple(codes[MAX_COMPARE:])


def test_each_bar_is_its_value_against_the_largest_in_its_row():
    values = pd.DataFrame(
        {"A": [50.0, 1.0, np.nan], "B": [25.0, 4.0, 0.0], "England": [10.0, 2.0, 0.0]},
        index=["no_car", "distance_gp", "empty"],
    )
    styles = comparison.bar_styles(values, ("England",))
    assert "#1f78b4 100%, transparent 100%" in styles.loc["no_car", "A"]
    assert "#1f78b4 50%, transparent 50%" in styles.loc["no_car", "B"]
    assert "#9e9e9e 20%, transparent 20%" in styles.loc["no_car", "England"]
    assert "25%" in styles.loc["distance_gp", "A"]  # 1 of 4: each row has its own scale
    assert styles.loc["empty", "A"] == ""  # no value, no bar
    assert styles.loc["empty", "B"] == ""  # a row of zeros has nothing to scale by


def table_with(ids, values) -> comparison.Comparison:
    framework = load_framework()
    rows = pd.DataFrame(
        {
            "domain": [framework.indicators[i].domain for i in ids],
            "domain_title": "",
            "label": ids,
            "title": ids,
            "unit": "",
            "polarity": [framework.indicators[i].polarity for i in ids],
        },
        index=pd.Index(ids, name="indicator_id"),
    )
    frame = pd.DataFrame({"A": values, "England": np.nan}, index=rows.index)
    return comparison.Comparison(rows, frame, frame.astype(str), frame, frame, ("England",))


@pytest.mark.parametrize(
    ("ids", "values", "expected"),
    [
        (["asian_share", "no_car", "imd_score_2025"], [1.0, 2.0, 3.0], "imd_score_2025"),
        # No headline value: the first judged indicator, never an ethnic group's share.
        (["asian_share", "social_rented", "no_car"], [1.0, 2.0, 3.0], "no_car"),
        (["asian_share", "imd_score_2025", "no_car"], [1.0, np.nan, 3.0], "no_car"),
        (["asian_share"], [1.0], "asian_share"),
    ],
)
def test_the_chart_starts_on_the_headline_indicator(ids, values, expected):
    assert comparison.default_chart(load_framework(), table_with(ids, values)) == expected


def test_a_cell_shows_a_decile_whole_and_the_worst_tenth_as_a_symbol():
    assert comparison.cell_text(1.0, "decile", False) == "1"
    assert comparison.cell_text(1.0, "decile", True) == "1 ⚑"
    assert comparison.cell_text(2.5, "decile", False) == "2.50"  # an average of deciles
    assert comparison.cell_text(32.04, "continuous", True) == "32.0 ⚑"
    assert comparison.cell_text(8.0, "continuous", False) == "8.00"
    assert "⚑" in comparison.FLAG_KEY


def test_the_charts_key_names_only_the_marks_it_draws():
    nan = float("nan")
    counted = [(nan, nan), (nan, nan)]  # counts: no interval
    estimated = [(nan, nan), (4.0, 6.5)]  # one estimate with its 95% interval
    values = [3.0, 5.0]
    assert comparison.chart_key(values, counted, [False, True]) == ["grey: the region and England"]
    assert comparison.chart_key(values, estimated, [False, False]) == ["black lines: 95% intervals"]
    assert comparison.chart_key(values, estimated, [False, True]) == [
        "black lines: 95% intervals",
        "grey: the region and England",
    ]
    assert comparison.chart_key(values, counted, [False, False]) == []
    # A reference with no value draws no bar, so the key does not name one.
    assert comparison.chart_key([3.0, nan], counted, [False, True]) == []
