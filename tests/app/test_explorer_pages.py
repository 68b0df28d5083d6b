"""The map explorer, area profile, comparison and gaps pages through AppTest, on the
fixture database (four LSOAs in two districts; values in tests/fixtures/sources)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from arp import maps
from data_loaders import SERVICE_TYPES
from tests.app.text_checks import misplaced


@pytest.fixture
def open_page(app_with, fixture_db):
    def start(page=None, **params):
        return app_with(fixture_db, page=page, **params)

    return start


def test_map_is_the_landing_page_and_says_when_data_is_not_loaded(open_page):
    at = open_page()
    assert at.title[0].value == "Index of Multiple Deprivation score (IoD2025)"
    assert any("data not loaded" in i.value for i in at.info)


def test_choosing_an_indicator_changes_the_map_table_and_url(open_page):
    at = open_page()
    at.selectbox(key="map_show").set_value("no_car").run()
    assert at.title[0].value == "Households with no car or van"
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["E01000901", "Value (% of households)"] == 50.0
    assert table.loc["E01000904", "Value (% of households)"] == 10.0
    assert table.loc["E01000901", "Worst 10%"] == "no"  # 4 areas: no worst tenth
    assert at.query_params["show"] in ("no_car", ["no_car"])
    at.radio(key="map_level").set_value("ward").run()
    wards = at.dataframe[0].value.set_index("Code")
    assert wards.loc["E05000901", "Value (% of households)"] == pytest.approx(36.36, abs=0.01)
    assert at.query_params["level"] in ("ward", ["ward"])


def test_every_choice_sticks_including_going_back_to_the_first_one(open_page):
    # The first view comes from the URL; later choices must not be undone by it.
    at = open_page(show="no_car")
    at.selectbox(key="map_show").set_value("overall").run()
    assert at.title[0].value == "Overall composite score"
    at.selectbox(key="map_show").set_value("no_car").run()
    assert at.title[0].value == "Households with no car or van"
    for level in ("ward", "lsoa", "ward"):
        at.radio(key="map_level").set_value(level).run()
        assert at.radio(key="map_level").value == level
        assert at.query_params["level"] in (level, [level])


def test_the_map_sends_its_polygons_once_then_only_what_changes(open_page):
    at = open_page(show="no_car")
    (first,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    assert first["areas"]["codes"] == ["E01000901", "E01000902", "E01000903", "E01000904"]
    assert len(first["areas"]["geometry"]) == 4
    assert first["outlines"]["geometry"]  # the two districts' outlines
    at.selectbox(key="map_show").set_value("overall").run()
    (second,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    assert second["areas"] == {"geometry_id": first["areas"]["geometry_id"]}
    assert second["outlines"] == {"geometry_id": first["outlines"]["geometry_id"]}
    assert second["legend"]["title"] == "Overall composite score"
    # Names and codes came with the polygons; the view sends its own lines only.
    assert first["areas"]["labels"][0] == ["Birmingham 001A", "E01000901"]
    tooltips = maps.tooltip_texts(second, first["areas"]["labels"])
    assert tooltips[0][:3] == ["Birmingham 001A", "E01000901", tooltips[0][2]]
    assert tooltips[0][2].startswith("Score:")
    at.radio(key="map_level").set_value("ward").run()  # other polygons: sent
    (third,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    assert len(third["areas"]["geometry"]) == 3


def test_a_copied_link_reopens_the_view(open_page):
    at = open_page(show="no_car", level="ward", scheme="equal_interval")
    assert at.title[0].value == "Households with no car or van"
    assert at.radio(key="map_level").value == "ward"
    assert at.sidebar.selectbox(key="map_scheme").value == "equal_interval"


def test_bad_query_string_values_fall_back_with_a_message(open_page):
    at = open_page(show="<script>alert(1)</script>", level="county")
    warnings = " ".join(w.value for w in at.warning)
    assert "`county` is not a valid level" in warnings
    assert "is not a valid show" in warnings
    assert at.title[0].value == "Index of Multiple Deprivation score (IoD2025)"


@pytest.mark.parametrize(
    "page", [None, "pages/area_profile.py", "pages/compare.py", "pages/equity_gaps.py"]
)
def test_a_crafted_link_cannot_style_a_warning_as_a_link_or_image(open_page, page):
    crafted = "[Sign in again](https://evil.example/login) ![x](https://evil.example/p.png)"
    at = open_page(page=page, level=crafted)
    (warning,) = [w.value for w in at.warning if "is not a valid level" in w.value]
    # The value is one inline code span, which Streamlit shows exactly as typed.
    assert warning == f"`{crafted}` is not a valid level; showing the default instead."
    assert misplaced(at, "evil.example") == []


def test_suppressed_values_are_shown_as_suppressed(open_page):
    at = open_page(show="stop_search_rate")
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["E01000901", "Note"] == "fewer than 10 counted"
    assert table["Value (searches per 1,000 residents (months loaded))"].isna().all()


def test_composite_map_shows_scores_and_flag_counts(open_page):
    at = open_page(show="overall")
    assert at.title[0].value == "Overall composite score"
    table = at.dataframe[0].value
    assert "Indicators in worst 10%" in table.columns
    assert table["Value (0 to 100 (100 = worst-placed); weights: Equal weights)"].notna().all()


def test_area_profile_lists_indicators_with_benchmarks(open_page):
    at = open_page(page="pages/area_profile.py", area="E01000901")
    assert at.title[0].value == "Birmingham 001A"
    numbers = [d.value for d in at.dataframe if "This area" in d.value.columns]
    indicators = pd.concat(numbers).set_index("Indicator")
    row = indicators.loc["Households with no car or van"]
    assert row["This area"] == "50.0"
    assert row["Region"] == "25.4"  # 586 of 2,310 households, to 3 figures
    stop = indicators.loc["Stop and search rate"]
    assert stop["Withheld"] == "fewer than 10 counted"
    assert stop["This area"] == ""


def test_area_profile_for_a_district_shows_stop_and_search_by_group(open_page):
    at = open_page(page="pages/area_profile.py", area="E08000029")
    assert at.title[0].value == "Solihull"
    stop = next(d.value for d in at.dataframe if "Searches" in d.value.columns)
    white = stop.set_index("Ethnic group").loc["White"]
    # Solihull's 1 White search: withheld, with its rate, on the page as on every surface.
    assert white["Searches"] == "fewer than 10"
    assert white["Per 1,000"] == ""
    assert white["Why withheld"] == "fewer than 10 counted"


def test_compare_areas(open_page):
    at = open_page(page="pages/compare.py", level="lsoa", compare="E01000901,E01000904")
    table = pd.concat([t.value for t in at.table])
    (no_car,) = [i for i in table.index if i.startswith("Households with no car or van")]
    assert table.loc[no_car, ["Birmingham 001A", "Solihull 001B"]].tolist() == ["50.0", "10.0"]


def test_compare_keeps_each_area_added(open_page):
    at = open_page(page="pages/compare.py", level="lsoa", compare="E01000901,E01000904")
    at.multiselect[0].select("E01000902").run()
    at.multiselect[0].select("E01000903").run()
    assert at.multiselect[0].value == ["E01000901", "E01000904", "E01000902", "E01000903"]
    assert at.query_params["compare"] in (
        "E01000901,E01000904,E01000902,E01000903",
        ["E01000901,E01000904,E01000902,E01000903"],
    )


def test_compare_needs_two_areas(open_page):
    at = open_page(page="pages/compare.py", level="lsoa", compare="E01000901")
    assert any("at least two" in i.value for i in at.info)


def test_equity_gaps_page(open_page):
    at = open_page(page="pages/equity_gaps.py", gap="no_car")
    table = at.dataframe[0].value.set_index("ethnic_group")
    assert table.loc["White", "mean_value"] == pytest.approx(77_400 / 3_840, abs=0.01)
    assert any("Reference: White" in c.value for c in at.caption)


def test_find_an_area_by_postcode_and_show_it_on_the_map(open_page):
    at = open_page(show="no_car")
    at.sidebar.text_input[0].set_value("b1 1ab").run()  # Code-Point fixture: in E01000904
    assert at.sidebar.selectbox[-1].value == "E01000904"
    at.sidebar.button[0].click().run()  # "Show on the map"
    assert at.query_params["area"] in ("E01000904", ["E01000904"])


def test_service_and_stop_search_overlays_are_on_the_map(open_page):
    at = open_page(show="no_car")
    at.sidebar.multiselect[0].set_value(["stop_search", "gp_practice"]).run()
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    overlays = {o["name"]: o["points"] for o in spec["overlays"]}
    assert overlays["GP practices"] == [
        [52.48538, -1.90571, 4.0, "GP practice: TEST HILL SURGERY"],
        [52.47638, -1.89101, 4.0, "GP practice: FIXTURE GREEN SURGERY"],
    ]
    # No fixture LSOA has 10 searches: the layer is listed, with nothing in it.
    assert overlays["Stop and search (LSOAs with 10 or more)"] == []


def test_area_profile_lists_services_by_their_declared_names(open_page):
    at = open_page(page="pages/area_profile.py", area="E01000901")
    kinds = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")]
    assert kinds == [kind.label for kind in SERVICE_TYPES.values()]


def test_area_profile_shows_the_ethnic_composition_as_shares(open_page):
    at = open_page(page="pages/area_profile.py", area="E01000901")
    composition = next(d.value for d in at.dataframe if "% of residents" in d.value.columns)
    shares = composition.set_index("Ethnic group")["% of residents"]
    assert shares["Asian, Asian British or Asian Welsh"] == pytest.approx(40.0)  # 600 of 1,500
    assert shares["White"] == pytest.approx(30.0)


MSOA_HIDES = "MSOA averages hide differences within each MSOA, so gaps look smaller than at LSOA"
ONLY_BROAD = "the file provided has only the 5 broad groups at LSOA"


def test_equity_gaps_detailed_groups_on_msoa_say_why_and_what_it_hides(open_page):
    at = open_page(page="pages/equity_gaps.py", gap="no_car")
    groups = at.radio[0]
    assert groups.options == ["5 broad groups (LSOA values)", "19 detailed groups (MSOA values)"]
    assert any(
        f"White British cannot be the reference here: {ONLY_BROAD}" in c.value for c in at.caption
    )
    groups.set_value("detailed").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(f"MSOA values because {ONLY_BROAD}." in c and MSOA_HIDES in c for c in captions)
    table = at.dataframe[0].value.set_index("ethnic_group")
    assert "White: English, Welsh, Scottish, Northern Irish or British" in table.index


def test_equity_gaps_detailed_groups_on_lsoa_when_the_detailed_file_is_loaded(
    app_with, fixture_db_detailed_lsoa
):
    at = app_with(fixture_db_detailed_lsoa, page="pages/equity_gaps.py", gap="no_car")
    groups = at.radio[0]
    assert groups.options[1] == "19 detailed groups (LSOA values)"
    groups.set_value("detailed").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "LSOA level, Census 2021 detailed groups. Reference: White British." in captions
    assert not any("MSOA" in c for c in captions)
    table = at.dataframe[0].value.set_index("ethnic_group")
    assert (
        table.loc["White: English, Welsh, Scottish, Northern Irish or British", "residents"]
        == 3_520
    )
