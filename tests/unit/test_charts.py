"""The charts' Vega-Lite specifications: every label whole, on lines a phone holds, rows
that do not overlap, JSON a browser reads (no NaN), and marks where the data put them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from arp import charts, profiles

LONG = "Residents in England's most deprived tenth of neighbourhoods, a title long enough to wrap"


def spine_rows() -> pd.DataFrame:
    rows = pd.DataFrame(
        [
            {
                "title": LONG,
                "unit": "% of residents",
                "polarity": "higher_is_worse",
                "value": 30.0,
                "ci_low": 28.0,
                "ci_high": 32.0,
                "region_value": 20.0,
                "england_value": 10.0,
                "peer_min": 0.0,
                "peer_p25": 10.0,
                "peer_p75": 40.0,
                "peer_max": 90.0,
                "peer_areas": 192,
                "comparison": "worse",
                "comparison_text": "worse than England",
                "value_text": "30.0 (95% interval 28.0 to 32.0)",
                "region_text": "20.0",
                "england_text": "10.0",
            },
            {
                "title": "Cannot speak English well",
                "unit": "% of residents aged 3+",
                "polarity": "no_judgement",
                "value": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "region_value": 2.0,
                "england_value": np.nan,
                "peer_min": 0.0,
                "peer_p25": 1.0,
                "peer_p75": 3.0,
                "peer_max": 9.0,
                "peer_areas": 192,
                "comparison": "no value",
                "comparison_text": "",
                "value_text": "withheld (fewer than 10 counted)",
                "region_text": "2.00",
                "england_text": "not published",
            },
        ]
    )
    return pd.concat([rows, profiles.spine_positions(rows)], axis=1)


def records(spec: dict) -> list[dict]:
    return spec["data"]["values"]


def test_a_spine_chart_is_json_a_browser_reads_with_every_title_whole():
    spec = charts.spine_chart(spine_rows())
    json.dumps(spec, allow_nan=False)  # NaN is not JSON: a missing mark is null
    first, second = records(spec)
    assert first["title"].replace("\n", " ") == f"{LONG} — % of residents"
    assert all(len(line) <= charts.WRAP for line in first["title"].split("\n"))
    assert first["title"].count("\n") >= 1  # it did wrap
    assert all(len(line) <= charts.DETAIL_WRAP for line in first["detail"].split("\n"))
    assert first["pos_value"] is not None
    assert second["pos_value"] is None  # withheld: no dot
    assert second["pos_england_value"] is None


def test_spine_rows_follow_each_other_without_overlapping_and_fill_the_height():
    spec = charts.spine_chart(spine_rows())
    first, second = records(spec)
    first_end = first["detail_y"] + (first["detail"].count("\n") + 1) * charts.LINE
    assert first["title_y"] < first["spine_y"] < first["detail_y"] < first_end
    assert second["title_y"] > first_end
    second_end = second["detail_y"] + (second["detail"].count("\n") + 1) * charts.LINE
    assert spec["height"] == int(second_end + charts.GAP)


def test_the_words_under_a_spine_say_the_values_and_the_comparison():
    first, second = records(charts.spine_chart(spine_rows(), "Region"))
    assert first["detail"].replace("\n", " ") == (
        "This area 30.0 (95% interval 28.0 to 32.0) · Region 20.0 · England 10.0. "
        "Worse than England."
    )
    # In a chart with judged indicators, a context measure says what left means for it.
    assert second["detail"].replace("\n", " ") == (
        "This area withheld (fewer than 10 counted) · Region 2.00 · England not published. "
        "Neither higher nor lower is worse here: lower is to the left."
    )
    assert first["left_end"] == "◀ worse"
    assert first["right_end"] == "better ▶"
    assert first["marker"] == charts.MARKER_COLOURS["worse"]


def test_a_chart_of_context_measures_only_runs_lower_to_higher():
    rows = spine_rows().iloc[[1]].reset_index(drop=True)
    (only,) = records(charts.spine_chart(rows))
    assert (only["left_end"], only["right_end"]) == ("◀ lower", "higher ▶")
    assert "Neither higher nor lower" not in only["detail"]


def test_neither_benchmark_published_is_left_unsaid():
    row = spine_rows().iloc[0].copy()
    row["region_text"], row["england_text"] = "not published", "not published"
    row["comparison"], row["comparison_text"] = "no reference", ""
    assert charts.spine_detail(row, "Region") == "This area 30.0 (95% interval 28.0 to 32.0)"


def test_labelled_bars_keep_every_label_and_grey_the_references():
    names = ["Birmingham 001A", "A neighbourhood whose name is long enough to need two lines"]
    spec = charts.labelled_bars(
        [*names, "England"],
        [50.0, 10.0, np.nan],
        "% of households",
        texts=["50.0 (45.0 to 55.0)", "10.0", "no value"],
        intervals=[(45.0, 55.0), (np.nan, np.nan), (np.nan, np.nan)],
        references=[False, False, True],
    )
    json.dumps(spec, allow_nan=False)
    rows = records(spec)
    assert [r["label"].replace("\n", " ") for r in rows] == [
        "Birmingham 001A: 50.0 (45.0 to 55.0)",
        f"{names[1]}: 10.0",
        "England: no value",
    ]
    assert all(len(line) <= charts.WRAP for r in rows for line in r["label"].split("\n"))
    assert [r["colour"] for r in rows] == ["#1f78b4", "#1f78b4", "#9e9e9e"]
    assert rows[2]["value"] is None
    value_axis = spec["layer"][1]["encoding"]["x"]
    assert value_axis["axis"]["title"] == "% of households"
    assert value_axis["scale"]["domain"] == [0.0, pytest.approx(55.0 * 1.05)]
    assert [r["bar_y"] for r in rows] == sorted(r["bar_y"] for r in rows)


def test_layers_that_sit_at_a_fixed_place_draw_no_axis():
    # Vega-Lite 6 leaves the whole chart blank when one layer's axis is unset beside
    # others' set to none (seen in Chromium): every fixed place says axis: None.
    spec = charts.spine_chart(spine_rows())
    for layer in spec["layer"]:
        for channel in ("x", "y"):
            encoding = layer["encoding"].get(channel, {})
            if "datum" in encoding:
                assert encoding["axis"] is None


def test_the_worst_tenth_is_said_in_words_and_a_symbol_under_a_spine():
    row = spine_rows().iloc[0].copy()
    row["worst_england"], row["worst_region"] = True, True
    assert "⚑ In England's worst tenth." in charts.spine_detail(row, "Region")
    row["worst_england"] = False  # the region's tenth, where England's is not
    assert "⚑ In the region's worst tenth." in charts.spine_detail(row, "Region")
    row["worst_region"] = None
    assert "worst tenth" not in charts.spine_detail(row, "Region")
