"""The table under the map: what a screen reader and an analyst read instead of colours."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from arp import map_views


@pytest.fixture
def con(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        yield connection


def view_of(con, **columns) -> map_views.MapView:
    frame = map_views.areas_within(con, "lsoa", "E47000007").assign(**columns)
    return map_views.MapView(
        frame, "No car", "% of households", "higher_is_worse", "level", "2021", ""
    )


def test_the_worst_tenth_is_a_word_and_a_symbol_and_no_data_says_so(con):
    view = view_of(
        con,
        value=[50.0, 10.0, 20.0, None],
        ci_low=[45.0, 8.0, 15.0, None],
        ci_high=[55.0, 12.0, 25.0, None],
        percentile_wmca=[100.0, 0.0, 50.0, None],
        flag_worst10_wmca=[True, False, False, None],
        suppression_reason=[None, None, None, None],
    )
    table = map_views.table_view(view).set_index("Code")
    codes = list(view.frame["code"])
    assert table.loc[codes[0], "Worst 10%"] == "⚑ yes"
    assert table.loc[codes[1], "Worst 10%"] == "no"
    assert pd.isna(table.loc[codes[3], "Worst 10%"])  # not ranked: neither yes nor no
    assert table.loc[codes[3], "Note"] == "no data"
    assert table.loc[codes[0], "95% CI low"] == 45.0


def test_a_measure_with_no_interval_has_no_empty_interval_columns(con):
    view = view_of(
        con,
        value=[50.0, 10.0, 20.0, 30.0],
        ci_low=[None] * 4,
        ci_high=[None] * 4,
        percentile_wmca=[100.0, 0.0, 33.0, 67.0],
        flag_worst10_wmca=[False] * 4,
        suppression_reason=[None] * 4,
    )
    table = map_views.table_view(view)
    assert "95% CI low" not in table
    assert "95% CI high" not in table
    assert list(table.columns)[:4] == ["Area", "Code", "Value (% of households)", "Percentile"]
