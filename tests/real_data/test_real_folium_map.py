"""The interactive map to share on the real build: the WMCA LSOA map, every one of its
1,719 areas drawn, in one file under 1.5 MB (the issue's limit, for an email attachment)."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from arp import folium_map, view_state
from arp.framework import load_framework
from arp.workshop import Scenario

pytestmark = pytest.mark.real_data
LIMIT = 1_500_000  # bytes


@pytest.fixture(scope="module")
def con(real_db):
    with duckdb.connect(str(real_db), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize(
    "show",
    [
        view_state.ViewState().show.param,  # the map page's first view
        "imd_decile_2025",  # the longest tooltips: a decile in words and the flag in words
    ],
)
def test_the_wmca_lsoa_map_is_one_file_under_the_limit_with_every_area(con, tmp_path, show):
    state = view_state.ViewState(show=show, level="lsoa")
    shared = folium_map.view_map(con, load_framework(), state, Scenario("Equal weights"))
    out = tmp_path / "map.html"
    size = folium_map.write_html(shared, out)
    assert size == out.stat().st_size
    assert size < LIMIT, f"{size:,} bytes"
    page = out.read_text(encoding="utf-8")
    areas = json.loads(re.search(r"_add\((\{.*?\})\);\n", page).group(1))
    assert len(areas["features"]) == 1719
    assert all(f["geometry"]["coordinates"] for f in areas["features"])
