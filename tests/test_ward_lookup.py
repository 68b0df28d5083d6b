"""Which ward lookup the areas use: the 2025 one where May 2025 wards are drawn, the 2024
one when only it is provided (the staged files), and the build says which."""

from __future__ import annotations

import urllib.parse

import duckdb
import pytest

from arp import cli
from arp.build import BuildError, BuildReport, build, locate_files
from arp.fetch import with_base_url
from arp.status import check_source_folder
from data_loaders import SOURCES_BY_ID
from tests.conftest import FIXTURE_SOURCE_IDS
from tests.fake_services import FakeServices, feature_layer

WARD24_NAME = "LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv"
WARD25_NAME = "LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv"
WITH_BOTH = (*FIXTURE_SOURCE_IDS, "lsoa21_ward25_lookup")


def lookup_used(database) -> set:
    with duckdb.connect(str(database), read_only=True) as con:
        return set(
            con.execute("select distinct lookup_source_id, ward_year from ward_lookup").fetchall()
        )


def add_ward25_lookup(folder, rename_ward=None):
    text = (folder / "geography" / WARD24_NAME).read_text(encoding="utf-8-sig")
    text = text.replace("WD24", "WD25").replace("LAD24", "LAD25")
    if rename_ward:
        text = text.replace(*rename_ward)
    (folder / "geography" / WARD25_NAME).write_text(text, encoding="utf-8-sig")


def test_only_the_2024_lookup_is_the_fallback_and_the_build_says_so(tmp_path, fixture_sources_copy):
    report = build(tmp_path / "arp.duckdb", source_dir=fixture_sources_copy, only=WITH_BOTH)
    assert lookup_used(tmp_path / "arp.duckdb") == {("lsoa21_ward24_lookup", 2024)}
    assert any("2024 ward lookup (lsoa21_ward24_lookup)" in note for note in report.notes)
    assert "2025 lookup was not provided" in " ".join(report.notes)
    assert report.skipped["lsoa21_ward25_lookup"].startswith("not provided")


def test_the_2025_lookup_is_preferred_where_both_are_provided(tmp_path, fixture_sources_copy):
    add_ward25_lookup(fixture_sources_copy, ("Northfield Test", "Northfield 2025"))
    report = build(tmp_path / "arp.duckdb", source_dir=fixture_sources_copy, only=WITH_BOTH)
    assert lookup_used(tmp_path / "arp.duckdb") == {("lsoa21_ward25_lookup", 2025)}
    assert (
        report.skipped["lsoa21_ward24_lookup"] == "not needed: lsoa21_ward25_lookup is used instead"
    )
    with duckdb.connect(str(tmp_path / "arp.duckdb"), read_only=True) as con:
        wards = dict(con.execute("select code, level from areas where level = 'ward'").fetchall())
    assert set(wards) == {"E05000901", "E05000902", "E05000903"}


def test_the_cli_prints_which_lookup_it_used(tmp_path, fixture_sources_copy, capsys):
    only = [
        "lsoa21_boundaries",
        "ward25_boundaries",
        "lsoa21_ward25_lookup",
        "lsoa21_ward24_lookup",
    ]
    args = ["build", "--source-dir", str(fixture_sources_copy), "--db", str(tmp_path / "a.duckdb")]
    assert cli.main([*args, "--only", *only]) == 0
    assert "wards: May 2025 wards with the 2024 ward lookup (lsoa21_ward24_lookup)" in (
        capsys.readouterr().out
    )


def test_no_ward_lookup_at_all_is_refused_naming_both(tmp_path, fixture_sources_copy):
    (fixture_sources_copy / "geography" / WARD24_NAME).unlink()
    with pytest.raises(
        BuildError, match=r"one of these in .*lsoa21_ward25_lookup.*; or lsoa21_ward24_lookup"
    ):
        build(tmp_path / "arp.duckdb", source_dir=fixture_sources_copy, only=WITH_BOTH)
    check = check_source_folder(fixture_sources_copy)
    assert "lsoa21_ward25_lookup" in {s.id for s in check.missing_required}


def test_downloading_fetches_the_2024_lookup_only_when_the_2025_one_fails(tmp_path):
    fake = FakeServices().start()
    try:
        ward25 = with_base_url(SOURCES_BY_ID["lsoa21_ward25_lookup"], fake.url)
        ward24 = with_base_url(SOURCES_BY_ID["lsoa21_ward24_lookup"], fake.url)
        layer = urllib.parse.urlsplit(ward24.downloads[0].url).path
        rows = [
            {
                "properties": {
                    "LSOA21CD": "E01000901",
                    "LSOA21NM": "Birmingham 001A",
                    "WD24CD": "E05000901",
                    "WD24NM": "Test",
                    "LAD24CD": "E08000025",
                    "LAD24NM": "Birmingham",
                }
            }
        ]
        fake.routes[layer + "/query"] = feature_layer(rows)
        report = BuildReport(database=tmp_path / "x.duckdb")
        located = locate_files([ward25, ward24], None, tmp_path / "cache", report)
    finally:
        fake.stop()
    assert list(located) == ["lsoa21_ward24_lookup"]
    assert [p.name for p in located["lsoa21_ward24_lookup"]] == [WARD24_NAME]
    assert "HTTP 404" in report.skipped["lsoa21_ward25_lookup"]
