"""Comparing areas on the fixture database: each area's value, the region's and England's,
as the database holds them."""

from __future__ import annotations

import duckdb
import pytest

from arp import comparison
from arp.framework import load_framework
from arp.indicators import ENGLAND


@pytest.fixture(scope="module")
def con(fixture_db):
    connection = duckdb.connect(str(fixture_db), read_only=True)
    yield connection
    connection.close()


def value(con, indicator, code):
    found = con.execute(
        "select value, suppressed from indicator_values where indicator_id = ? and area_code = ?",
        [indicator, code],
    ).fetchone()
    return None if found is None or found[1] else found[0]


def test_areas_are_columns_beside_the_region_and_england(con):
    framework = load_framework()
    table = comparison.compare(con, framework, ["E01000901", "E01000904"])
    assert list(table.values.columns) == [
        "Birmingham 001A",
        "Solihull 001B",
        "West Midlands Combined Authority",
        "England",
    ]
    assert table.references == ("West Midlands Combined Authority", "England")
    assert list(table.rows.index) == [i for i in framework.indicators if i in table.rows.index]
    for indicator in table.rows.index:
        for column, code in (
            ("Birmingham 001A", "E01000901"),
            ("Solihull 001B", "E01000904"),
            ("West Midlands Combined Authority", "E47000007"),
            ("England", ENGLAND),
        ):
            expected = value(con, indicator, code)
            shown = table.values.loc[indicator, column]
            assert (expected is None and shown != shown) or shown == pytest.approx(expected)
    assert table.text.loc["stop_search_rate", "Birmingham 001A"] == comparison.WITHHELD
    assert table.text.loc["no_car", "Birmingham 001A"] == "50.0"
    assert "higher is worse" in table.rows.loc["no_car", "label"]


def test_the_csv_table_has_words_for_headings(con):
    table = comparison.wide_table(
        comparison.compare(con, load_framework(), ["E05000901", "E05000902"])
    )
    assert list(table.columns[:4]) == ["Domain", "Indicator", "Unit", "Which way is worse"]
    assert "Northfield Test" in table.columns
