"""Finding a place in the real WMCA build: an outward code (B10), a sector (B10 0), a
postcode Code-Point does not hold, typo'd ward names and Commons Library MSOA names, and
the find box offering B10's neighbourhoods. The postcodes are OS Code-Point Open of
October 2025 (live postcodes only), as staged in ARP_TEST_SOURCE_DIR."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from arp import search
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.real_data

B10_WARDS = {
    "Small Heath",
    "Bordesley Green",
    "Sparkbrook & Balsall Heath East",
    "Bordesley & Highgate",
    "Heartlands",
}


@pytest.fixture(scope="module")
def con(real_db):
    with duckdb.connect(str(real_db), read_only=True) as connection:
        yield connection


def lsoas_holding(con, outward: str, sector: str | None = None) -> set[str]:
    """Independently of the search: the LSOAs of the postcodes whose printed outward code
    (and sector digit) is this one."""
    rows = con.execute(
        """select distinct p.lsoa21cd from postcodes as p
           inner join areas as a on a.code = p.lsoa21cd
           where trim(left(p.postcode, length(p.postcode) - 3)) = $outward
             and ($sector is null or left(right(p.postcode, 3), 1) = $sector)""",
        {"outward": outward, "sector": sector},
    ).fetchall()
    return {row[0] for row in rows}


def test_b10_lists_every_neighbourhood_with_a_b10_postcode_then_their_wards(con):
    found = search.find_area(con, "B10", level="lsoa")
    lsoas = [m for m in found.matches if m.level == "lsoa"]
    assert {m.code for m in lsoas} == lsoas_holding(con, "B10")
    assert len(lsoas) == 21
    assert found.matches[: len(lsoas)] == tuple(lsoas)  # the chosen level first
    # the one holding most B10 postcodes first, named in words with its ward
    assert lsoas[0].words == "Birmingham 071E, in Bordesley Green ward, Birmingham"
    assert "Birmingham 071B, in Sparkbrook & Balsall Heath East ward, Birmingham" in [
        m.words for m in lsoas
    ]
    wards = [m.name for m in found.matches if m.level == "ward"]
    assert set(wards) == B10_WARDS
    assert wards[0] == "Small Heath"  # most of B10's postcodes
    assert found.note is None  # every neighbourhood is listed (wards were cut from the end)
    assert len(found.matches) == 30  # of the 33 areas: LSOAs, then wards


@pytest.mark.parametrize("typed", ["B10 0", "b100", "B10  0"])
def test_a_sector_lists_only_its_own_neighbourhoods(con, typed):
    found = search.find_area(con, typed, level="lsoa")
    lsoas = {m.code for m in found.matches if m.level == "lsoa"}
    assert lsoas == lsoas_holding(con, "B10", "0")
    assert len(lsoas) == 12
    assert lsoas < lsoas_holding(con, "B10")
    assert {m.words.rsplit(", ", 1)[1] for m in found.matches if m.level == "lsoa"} == {
        "Birmingham"
    }
    assert found.note is None


def test_a_postcode_code_point_does_not_hold_shows_where_its_neighbours_are(con):
    found = search.find_area(con, "b100hn", level="lsoa")
    assert found.note.startswith("B10 0HN is not a postcode in the area mapped")
    assert [m.code for m in found.matches if m.level == "lsoa"] == [
        "E01009338",
        "E01009337",
        "E01009335",
    ]  # B10 0HA..0HZ: Small Heath
    assert found.matches[3].words == "Small Heath ward, Birmingham"


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("sparkbrok", "E05011170", "Sparkbrook & Balsall Heath East ward, Birmingham"),
        ("balsal heath", "E05011122", "Balsall Heath West ward, Birmingham"),
        ("handsworh", "E05011142", "Handsworth ward, Birmingham"),
        ("erdingtn", "E05011135", "Erdington ward, Birmingham"),
        ("SMALLHEATH", "E05011167", "Small Heath ward, Birmingham"),
        ("kings norton nroth", "E05011148", "King's Norton North ward, Birmingham"),
        ("Wolverhamton", "E08000031", "Wolverhampton (district)"),
    ],
)
def test_typod_ward_and_district_names_find_the_place_first(con, typed, code, words):
    first = search.find_area(con, typed, level="lsoa").matches[0]
    assert (first.code, first.words) == (code, words)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Sparkhill North", "Sparkhill North (Birmingham 082), Birmingham"),
        ("kings heath", "Kings Heath (Birmingham 104), Birmingham"),
        ("Lozells East", "Lozells East (Birmingham 041), Birmingham"),
        ("ladywood summer hill", "Ladywood - Summer Hill (Birmingham 137), Birmingham"),
        ("dickens heath", "Dickens Heath, Cheswick Green & Hockley Heath (Solihull 029), Solihull"),
        ("Wednesfeld Town", "Wednesfield Town (Wolverhampton 012), Wolverhampton"),
    ],
)
def test_commons_library_msoa_names_find_their_msoa(con, typed, words):
    first = search.find_area(con, typed, level="msoa").matches[0]
    assert first.level == "msoa"
    assert first.words == words


def test_the_find_box_offers_b10s_neighbourhoods(real_db, monkeypatch, tmp_path):
    monkeypatch.setenv("ARP_DB", str(real_db))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/capture.py").run()
    at.text_input(key="find_area").set_value("B10").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="find_match").options
    assert options[0] == "Birmingham 071E, in Bordesley Green ward, Birmingham"
    assert all(", in " in option for option in options[:21])
    assert options[21] == "Small Heath ward, Birmingham"
