"""The find box through AppTest: a partial postcode offers the neighbourhoods it covers,
in words, and the pages name the chosen area the same way. On the fixture build with more
postcodes (tests/fixtures/postcode_search/b.csv)."""

from __future__ import annotations

import pytest

from arp.ui.widgets import literal, plain

B10_NEIGHBOURHOODS = [
    "Birmingham 001B, in Northfield Test ward, Birmingham",
    "Solihull 001A, in Shirley Test ward, Solihull",
    "Solihull 001B, in Elmdon Test ward, Solihull",
]


@pytest.fixture
def open_page(app_with, fixture_db_more_postcodes):
    def start(page=None, **params):
        return app_with(fixture_db_more_postcodes, page=page, **params)

    return start


def test_typing_b10_in_the_find_box_offers_the_neighbourhoods(open_page):
    at = open_page("pages/capture.py")
    at.text_input(key="find_area").set_value("B10").run()
    matches = at.selectbox(key="find_match")
    assert matches.options[:3] == B10_NEIGHBOURHOODS
    assert matches.options[3] == "Northfield Test ward, Birmingham"  # then their wards
    matches.set_value("E01000903").run()
    at.button[0].click().run()  # "Use this place"
    assert "Place: Solihull 001A, in Shirley Test ward, Solihull" in [c.value for c in at.caption]


def test_a_postcode_not_in_the_data_says_what_it_shows_instead(open_page):
    at = open_page("pages/capture.py")
    at.text_input(key="find_area").set_value("b100hn").run()
    note = (
        "B10 0HN is not a postcode in the area mapped (Code-Point Open); showing where the "
        'postcodes starting "B10 0H" are.'
    )
    assert plain(note) in [c.value for c in at.caption]
    assert at.selectbox(key="find_match").options[0] == B10_NEIGHBOURHOODS[1]


def test_nothing_found_is_said_with_the_typed_text_shown_as_typed(open_page):
    at = open_page("pages/capture.py")
    at.text_input(key="find_area").set_value("*nowhere*").run()
    assert plain('No area is named like "*nowhere*" in the area mapped.') in [
        c.value for c in at.caption
    ]
    assert not [s for s in at.selectbox if s.key == "find_match"]


def test_the_map_offers_areas_of_its_level_first_and_names_the_choice(open_page):
    at = open_page(show="no_car", level="ward")
    at.sidebar.text_input(key="find_area").set_value("B10").run()
    matches = at.sidebar.selectbox(key="find_match")
    assert matches.options[:3] == [
        "Northfield Test ward, Birmingham",
        "Elmdon Test ward, Solihull",
        "Shirley Test ward, Solihull",
    ]
    at.sidebar.button[0].click().run()  # "Show on the map"
    assert at.query_params["area"] in ("E05000901", ["E05000901"])
    assert "Chosen area: Northfield Test ward, Birmingham" in [c.value for c in at.caption]


def test_the_profile_names_its_area_in_words(open_page):
    at = open_page("pages/area_profile.py", area="E01000904")
    assert "Solihull 001B, in Elmdon Test ward, Solihull · E01000904" in [
        c.value for c in at.caption
    ]
    at = open_page("pages/area_profile.py", area="E02001001", level="msoa")
    assert literal("Test Hill & Vale (Birmingham 001), Birmingham") + " · E02001001" in [
        c.value for c in at.caption
    ]
