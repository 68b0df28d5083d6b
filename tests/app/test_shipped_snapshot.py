"""The WMCA bundle shipped in data/snapshot/: within its size budget, every file as its
manifest says, attributed, and enough for every page of the app once restored."""

from __future__ import annotations

import json

import duckdb
import pytest

from arp import snapshot
from tests.conftest import REPO_ROOT

BUDGET_BYTES = 15 * 1024 * 1024  # the most the repository carries for the snapshot
SHIPPED = REPO_ROOT / "data" / "snapshot"
PAGES = [
    "pages/map.py",
    "pages/area_profile.py",
    "pages/compare.py",
    "pages/equity_gaps.py",
    "pages/capture.py",
    "pages/vote.py",
    "pages/moderate.py",
    "pages/console.py",
    "pages/privacy.py",
    "pages/overview.py",
    "pages/framework.py",
    "pages/sources.py",
    "pages/setup.py",
]


@pytest.fixture(scope="module")
def manifest():
    return json.loads((SHIPPED / snapshot.MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped_db(tmp_path_factory):
    database = tmp_path_factory.mktemp("shipped") / "arp.duckdb"
    snapshot.restore(database, SHIPPED)
    return database


def test_the_bundle_fits_its_budget():
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size <= BUDGET_BYTES, f"data/snapshot/ is {size / 1e6:.1f} MB; the budget is 15 MB"


def test_every_file_matches_the_manifest(manifest):
    assert manifest["format_version"] == snapshot.FORMAT_VERSION
    listed = {entry["file"] for entry in manifest["tables"].values()}
    assert {p.name for p in SHIPPED.iterdir()} == listed | {snapshot.MANIFEST, snapshot.ATTRIBUTION}
    for table, entry in manifest["tables"].items():
        path = SHIPPED / entry["file"]
        assert path.stat().st_size == entry["bytes"], table
        assert snapshot.sha256_of(path) == entry["sha256"], f"{table}: run `make snapshot`"


def test_it_maps_the_whole_combined_authority(manifest):
    assert manifest["area"] == {
        "code": "E47000007",
        "name": "West Midlands Combined Authority",
        "areas": {"ca": 1, "lad": 7, "ward": 192, "msoa": 357, "lsoa": 1719},
    }


def test_attribution_names_every_source_and_licence(shipped_db):
    text = (SHIPPED / snapshot.ATTRIBUTION).read_text(encoding="utf-8")
    assert "made on" in text
    assert "`arp snapshot`" in text
    with duckdb.connect(str(shipped_db), read_only=True) as con:
        rows = con.execute("select title, licence, attribution, sha256 from sources").fetchall()
    assert len(rows) >= 29
    for row in rows:
        for value in row:
            assert value in text, value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_the_restored_bundle(app_with, shipped_db, page):
    at = app_with(shipped_db, page=page)
    assert not at.exception


def test_the_map_sends_every_lsoa(app_with, shipped_db):
    at = app_with(shipped_db, page="pages/map.py")
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    assert len(spec["areas"]["codes"]) == 1719
    assert len(spec["areas"]["geometry"]) == 1719


def test_the_pages_say_the_data_are_the_bundled_snapshot(app_with, shipped_db):
    for page in ("pages/sources.py", "pages/setup.py"):
        at = app_with(shipped_db, page=page)
        notes = [i.value for i in at.info]
        assert any(n.startswith("Showing the bundled snapshot of ") for n in notes), page
        assert any("`arp build`" in n for n in notes), page
