"""Finding a place (arp.search) on the fixture build with more postcodes
(tests/fixtures/postcode_search/b.csv; areas as in tests/fixtures/sources/README.md):
postcodes whole and begun, names with typos, ranking, and the words for an area."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from arp import search
from arp.search import PostcodeStart

NW, NE, SW, SE = "E01000901", "E01000902", "E01000903", "E01000904"
NORTHFIELD, SHIRLEY, ELMDON = "E05000901", "E05000902", "E05000903"
BIRMINGHAM_001, SOLIHULL_001 = "E02001001", "E02001002"
BIRMINGHAM, SOLIHULL = "E08000025", "E08000029"


@pytest.fixture(scope="module")
def con(fixture_db_more_postcodes):
    with duckdb.connect(str(fixture_db_more_postcodes), read_only=True) as connection:
        yield connection


def codes(found: search.Found, level: str | None = None) -> list[str]:
    return [m.code for m in found.matches if level is None or m.level == level]


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("B10", [PostcodeStart("B10"), PostcodeStart("B1", "0")]),
        ("b1 0", [PostcodeStart("B1", "0")]),
        ("B100", [PostcodeStart("B10", "0")]),
        ("b100hn", [PostcodeStart("B10", "0HN")]),
        ("  B10   0HN ", [PostcodeStart("B10", "0HN")]),
        ("B10 0H", [PostcodeStart("B10", "0H")]),
        ("cv6", [PostcodeStart("CV6")]),
        ("WS10", [PostcodeStart("WS10"), PostcodeStart("WS1", "0")]),
        ("W1A 0AX", [PostcodeStart("W1A", "0AX")]),
        ("B1", [PostcodeStart("B1")]),
        ("B", []),
        ("B10 0HNX", []),
        ("Small Heath", []),
        ("E01000901", []),
        ("071B", []),
    ],
)
def test_what_reads_as_the_start_of_a_postcode(text, readings):
    assert search.postcode_readings(text) == readings


def test_a_postcode_start_shortens_to_its_outward_code():
    assert [str(s) for s in PostcodeStart("B10", "0HN").and_shorter()] == [
        "B10 0HN",
        "B10 0H",
        "B10 0",
        "B10",
    ]


@pytest.mark.parametrize(
    ("text", "lsoas", "note"),
    [
        # an outward code: every LSOA with one of its postcodes, those holding most first
        ("B10", [NE, SW, SE], None),
        ("b10", [NE, SW, SE], None),
        # B1 0AA, B1 1AA, B1 1AD, B1 1AB: not the B10 postcodes, whose keys start "B10" too
        ("B1", [NW, SW, SE], None),
        ("B1 0", [SW], None),
        ("b1 1", [NW, SE], None),
        ("B100", [NE, SW], None),  # the sector B10 0
        ("B10 0", [NE, SW], None),
        ("b10 1aa", [SE], None),
        ("B101AA", [SE], None),
        ("B10  1AA", [SE], None),
        # not in Code-Point: the postcodes that start most like it
        (
            "b100hn",
            [SW],
            "B10 0HN is not a postcode in the area mapped (Code-Point Open); showing where "
            'the postcodes starting "B10 0H" are.',
        ),
        (
            "B10 0AA",
            [NE],
            "B10 0AA is not a postcode in the area mapped (Code-Point Open); showing where "
            'the postcodes starting "B10 0A" are.',
        ),
        # B11 is not in the fixture: B1 1 is the other way to read it
        (
            "B11",
            [NW, SE],
            'No postcode in the area mapped starts "B11"; showing where the postcodes '
            'starting "B1 1" are.',
        ),
    ],
)
def test_postcodes_whole_and_begun_list_the_neighbourhoods_they_cover(con, text, lsoas, note):
    found = search.find_area(con, text, level="lsoa")
    assert codes(found, "lsoa") == lsoas
    assert codes(found)[: len(lsoas)] == lsoas  # the chosen level first
    assert found.note == note


def test_an_outward_code_lists_the_wards_msoas_and_districts_of_its_neighbourhoods(con):
    found = search.find_area(con, "B10", level="lsoa")
    # LSOAs, then wards, MSOAs and districts; the most postcodes first, then by name
    assert codes(found) == [
        NE,
        SW,
        SE,
        NORTHFIELD,
        ELMDON,
        SHIRLEY,
        BIRMINGHAM_001,
        SOLIHULL_001,
        BIRMINGHAM,
        SOLIHULL,
    ]
    words = [m.words for m in found.matches]
    assert words[:4] == [
        "Birmingham 001B, in Northfield Test ward, Birmingham",
        "Solihull 001A, in Shirley Test ward, Solihull",
        "Solihull 001B, in Elmdon Test ward, Solihull",
        "Northfield Test ward, Birmingham",
    ]
    assert words[6] == "Test Hill & Vale (Birmingham 001), Birmingham"
    assert words[-1] == "Solihull (district)"


@pytest.mark.parametrize(
    ("level", "first"),
    [
        ("lsoa", [NE, SW, SE]),
        ("ward", [NORTHFIELD, ELMDON, SHIRLEY]),
        ("msoa", [BIRMINGHAM_001, SOLIHULL_001]),
        ("lad", [BIRMINGHAM, SOLIHULL]),
    ],
)
def test_a_postcode_lists_the_areas_of_the_chosen_level_first(con, level, first):
    assert codes(search.find_area(con, "B10", level=level))[: len(first)] == first


def test_a_full_postcode_gives_its_neighbourhood_and_the_areas_it_lies_in(con):
    found = search.find_area(con, "b1 1ab", level="lsoa")
    assert codes(found) == [SE, ELMDON, SOLIHULL_001, SOLIHULL]
    assert found.matches[0].words == "Solihull 001B, in Elmdon Test ward, Solihull"
    assert found.note is None


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("B99", 'No postcode in the area mapped starts "B99".'),  # placed outside the areas
        ("B90 9ZZ", "B90 9ZZ is not a postcode in the area mapped (Code-Point Open)."),
        ("B60", 'No postcode in the area mapped starts "B60".'),  # and so not B6 0
    ],
)
def test_postcodes_outside_the_area_mapped_find_nothing_and_say_so(con, text, note):
    found = search.find_area(con, text)
    assert found.matches == ()
    assert found.note == note


def test_a_long_list_is_cut_and_says_how_to_narrow_it(con):
    found = search.find_area(con, "B10", level="lsoa", limit=2)
    assert codes(found) == [NE, SW]
    assert found.note == (
        "Showing 2 of the 3 LSOAs its postcodes lie in: type more of the postcode to narrow it."
    )


def test_a_list_with_every_area_of_the_level_shown_asks_for_nothing_more(con):
    """B10's three LSOAs are all listed; the wards and districts cut from the end of the
    list are no reason to type more."""
    found = search.find_area(con, "B10", level="lsoa", limit=4)
    assert codes(found) == [NE, SW, SE, NORTHFIELD]
    assert found.note is None
    by_ward = search.find_area(con, "B10", level="ward", limit=1)
    assert [m.level for m in by_ward.matches] == ["ward"]
    assert by_ward.note == (
        "Showing 1 of the 3 wards its postcodes lie in: type more of the postcode to narrow it."
    )


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # exact, whatever the case, spacing and punctuation
        ("Northfield Test", NORTHFIELD),
        ("NORTHFIELD   test", NORTHFIELD),
        ("northfieldtest", NORTHFIELD),
        ("Test Hill & Vale", BIRMINGHAM_001),  # a Commons Library MSOA name
        ("test hill and vale", BIRMINGHAM_001),
        ("test hill vale", BIRMINGHAM_001),
        ("Birmingham 001B", NE),  # an LSOA by its name
        ("e01000903", SW),  # and by its code
        ("Solihull", SOLIHULL),
        # the start of a name, the start of a word, inside a word
        ("northf", NORTHFIELD),
        ("fixture", SOLIHULL_001),
        ("green", SOLIHULL_001),
        ("vale", BIRMINGHAM_001),
        ("rley", SHIRLEY),
        # small typos
        ("nothfield", NORTHFIELD),
        ("northfeild test", NORTHFIELD),
        ("elmdon tset", ELMDON),
        ("shirly", SHIRLEY),
        ("fixture gren", SOLIHULL_001),
        ("tset hill", BIRMINGHAM_001),
        ("solihul", SOLIHULL),
    ],
)
def test_names_are_found_despite_case_spacing_and_small_typos(con, text, first):
    found = search.find_area(con, text)
    assert codes(found)[0] == first, [m.words for m in found.matches]


@pytest.mark.parametrize(
    "text",
    [
        "Foleshill Test",  # a ward in the lookup, outside the areas mapped
        "Birmingham 001C",  # a code-name one letter off is another place
        "Solihull 002",
        "zzzz",
    ],
)
def test_names_not_in_the_area_mapped_find_nothing(con, text):
    found = search.find_area(con, text)
    assert found.matches == ()
    assert found.note == f'No area is named like "{text}" in the area mapped.'


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        # exact first (the district), then the names that start so, the chosen level first
        ("lsoa", [SOLIHULL, SW, SE, SOLIHULL_001]),
        ("msoa", [SOLIHULL, SOLIHULL_001, SW, SE]),
    ],
)
def test_names_rank_exact_then_prefix_with_the_chosen_level_first(con, level, expected):
    assert codes(search.find_area(con, "solihull", level=level)) == expected


def test_a_code_name_word_finds_every_area_with_it(con):
    assert sorted(codes(search.find_area(con, "001b"))) == [NE, SE]


def test_an_exact_name_ranks_above_a_typo_and_a_typo_above_nothing(con):
    # "shirley test" is exact for one ward and two typos from none: only it is found
    assert codes(search.find_area(con, "shirley test")) == [SHIRLEY]
    # "test" starts an MSOA's name, and a word of three wards' names
    found = search.find_area(con, "test", level="ward")
    assert codes(found)[0] == BIRMINGHAM_001
    assert set(codes(found)[1:]) == {ELMDON, NORTHFIELD, SHIRLEY}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("lsoa", "Birmingham 071B", None, "Sparkbrook & Balsall Heath East", "Birmingham"),
            "Birmingham 071B, in Sparkbrook & Balsall Heath East ward, Birmingham",
        ),
        (("lsoa", "Birmingham 071B", None, None, "Birmingham"), "Birmingham 071B, Birmingham"),
        (("lsoa", "Birmingham 071B"), "Birmingham 071B"),
        (
            ("msoa", "Birmingham 071", "Sparkbrook North", None, "Birmingham"),
            "Sparkbrook North (Birmingham 071), Birmingham",
        ),
        (("msoa", "Birmingham 071", None, None, "Birmingham"), "Birmingham 071, Birmingham"),
        (
            ("ward", "Small Heath", None, "Small Heath", "Birmingham"),
            "Small Heath ward, Birmingham",
        ),
        (("ward", "Small Heath"), "Small Heath ward"),
        (("lad", "Birmingham", None, None, "Birmingham"), "Birmingham (district)"),
        (("ca", "West Midlands Combined Authority"), "West Midlands Combined Authority"),
    ],
)
def test_an_area_in_words(args, words):
    assert search.in_words(*args) == words


def test_describe_area_names_an_area_from_the_database_and_leaves_unknown_codes(con):
    assert search.describe_area(con, SE) == "Solihull 001B, in Elmdon Test ward, Solihull"
    assert search.describe_area(con, SOLIHULL_001) == "Fixture Green (Solihull 001), Solihull"
    assert search.describe_area(con, "E99999999") == "E99999999"
    assert search.describe_areas(con, [NW, "nope", ELMDON]) == {
        NW: "Birmingham 001A, in Northfield Test ward, Birmingham",
        ELMDON: "Elmdon Test ward, Solihull",
    }


def test_search_results_use_the_same_words_as_describe_area(con):
    for text in ("B10", "test", "solihull"):
        for match in search.find_area(con, text).matches:
            assert match.words == search.describe_area(con, match.code)


def test_without_postcodes_loaded_a_postcode_says_so_and_names_still_work(
    fixture_db_more_postcodes, tmp_path
):
    copy = tmp_path / "no_postcodes.duckdb"
    shutil.copyfile(fixture_db_more_postcodes, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("drop table postcodes")
        found = search.find_area(connection, "B1 1AB")
        assert (found.matches, found.note) == ((), "Postcodes are not loaded.")
        assert codes(search.find_area(connection, "elmdon"))[0] == ELMDON


@pytest.mark.parametrize(
    ("text", "neighbourhoods"),
    [
        ("B1", [NW, SW, SE]),  # a postcode: the neighbourhoods its postcodes lie in
        ("birmingham 001b", [NE]),  # an LSOA's own name
        ("nothfield", [NW, NE]),  # a ward, misspelt: the neighbourhoods inside it
        ("fixture gren", [SW, SE]),  # an MSOA's Commons Library name
        ("shirley test", [SW]),
        ("Birmingham", [NW, NE]),  # the district's LSOAs are named after it, so found
        ("zzzz", []),
        ("", []),
    ],
)
def test_the_picker_zooms_to_the_neighbourhoods_a_search_finds(con, text, neighbourhoods):
    assert sorted(search.neighbourhoods_found(con, text)) == neighbourhoods
