"""Census 2021 TS024 (main language), from a hand-written file in the official Nomis bulk
layout (census2021-ts024-ltla.csv: a total, then 'Main language (detailed): <group>:
<language>' columns; the real file has 95 languages, this one 31 with the rest in 'Other
language'): loaded through the real build, each district's top languages after English, and
the Framework page saying plainly when the table is not loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from arp import main_languages
from arp.build import build
from data_loaders import census
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR, REPO_ROOT

TS024_FIXTURE = Path(__file__).parent / "fixtures" / "ts024_ltla" / "census2021-ts024-ltla.csv"


@pytest.fixture(scope="module")
def languages_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ts024_sources")
    sources = folder / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, sources)
    shutil.copy(TS024_FIXTURE, sources / "census")
    database = folder / "arp.duckdb"
    build(database, source_dir=sources, only=(*FIXTURE_SOURCE_IDS, "census_ts024_lad"))
    return database


def test_the_official_layout_is_read_as_languages():
    spec = next(t for t in census.CENSUS_TABLES if t.table == "TS024")
    assert spec.bulk_name == "census2021-ts024-ltla.csv"
    source = next(s for s in census.SOURCES if s.id == "census_ts024_lad")
    assert source.downloads[0].url == (
        "https://www.nomisweb.co.uk/output/census/2021/census2021-ts024.zip"
    )
    assert not source.required
    counts = census.load_census_table([TS024_FIXTURE], spec)["counts"]
    birmingham = counts[counts["area_code"] == "E08000025"].set_index("category")["count"]
    assert birmingham["Total"] == 1_054_400
    assert birmingham["South Asian language: Panjabi"] == 18_900
    assert birmingham["Other European language (EU): Romanian"] == 11_900
    assert len(birmingham) == 32  # the total and 31 languages
    assert set(counts["level"]) == {"lad"}


def test_each_districts_top_languages_after_english(languages_db):
    with duckdb.connect(str(languages_db), read_only=True) as con:
        top = main_languages.district_languages(con)
    birmingham = top[top["district"] == "Birmingham"]
    assert birmingham["main_language"].tolist() == [
        "Urdu",
        "Panjabi",
        "Bengali (with Sylheti and Chatgaya)",
        "Romanian",
        "Polish",
    ]
    assert birmingham["share"].iloc[0] == pytest.approx(29_400 / 1_054_400)
    solihull = top[top["district"] == "Solihull"]
    assert solihull["main_language"].iloc[0] == "Panjabi"
    assert solihull["share"].iloc[0] == pytest.approx(3_800 / 206_250)
    words = main_languages.in_words(top)
    assert (
        words.loc[words["District"] == "Solihull", "Main languages after English"]
        .iloc[0]
        .startswith("Panjabi 1.8% (3,800) · Polish 1.0% (2,100)")
    )


def test_not_loaded_is_empty(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        assert main_languages.district_languages(con).empty


def _framework_page(database: Path, monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("ARP_DB", str(database))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/framework.py").run()
    assert not at.exception, at.exception
    return at


def test_the_framework_page_says_when_ts024_is_not_loaded(fixture_db, monkeypatch, tmp_path):
    at = _framework_page(fixture_db, monkeypatch, tmp_path)
    assert main_languages.NOT_LOADED in [i.value for i in at.info]


def test_the_framework_page_shows_each_districts_languages(languages_db, monkeypatch, tmp_path):
    at = _framework_page(languages_db, monkeypatch, tmp_path)
    assert main_languages.NOT_LOADED not in [i.value for i in at.info]
    tables = [d.value for d in at.dataframe if "Main languages after English" in d.value]
    (table,) = tables
    assert table["District"].tolist() == ["Birmingham", "Solihull"]
    assert table["Main languages after English"].iloc[0].startswith("Urdu 2.8% (29,400)")
