"""Every page through Streamlit's AppTest, against databases built by the real build."""

from __future__ import annotations

from arp import glossary
from tests.app.conftest import button, field, sign_in
from tests.conftest import FIXTURE_SOURCES_DIR


def test_overview_shows_what_the_database_covers(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/overview.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Combined authority": "1",
        "Districts": "2",
        "Wards": "3",
        "MSOAs": "2",
        "LSOAs": "4",
    }


def test_the_glossary_defines_every_term_the_pages_link_to(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/glossary.py")
    assert [h.value for h in at.subheader] == [term.term for term in glossary.TERMS]
    assert [h.proto.anchor for h in at.subheader] == [term.anchor for term in glossary.TERMS]
    said = [m.value for m in at.markdown]
    assert "Worst 10% (⚑)" in [term.term for term in glossary.TERMS]
    assert any(m.startswith("A value resting on fewer than 10 people or events") for m in said)


def test_the_map_links_the_words_it_uses_to_the_glossary(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/map.py")
    (links,) = [c.value for c in at.caption if c.value.startswith("What the words mean")]
    for anchor in ("lsoa", "percentile", "worst-tenth", "interval", "suppression"):
        assert f"](glossary#{anchor})" in links
    assert "glossary#composite" not in links
    at.selectbox(key="map_show").set_value("overall").run()
    (links,) = [c.value for c in at.caption if c.value.startswith("What the words mean")]
    assert "](glossary#composite)" in links


def test_sources_page_lists_loaded_sources_attribution_and_the_rest(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/sources.py")
    loaded = at.dataframe[0].value
    assert "Census 2021 TS021 Ethnic group, LSOA 2021" in set(loaded["Source"])
    assert loaded.set_index("Id").loc["stop_search_wmp", "Rows"] == 5
    texts = [t.value for t in at.text]
    assert any("Open Government Licence v3.0" in t for t in texts)
    assert any("Open Parliament Licence" in t for t in texts)
    not_loaded = at.dataframe[1].value
    assert "iod2025_file7" in set(not_loaded["Id"])


def test_setup_page_when_there_is_no_database(app_with, tmp_path):
    at = app_with(tmp_path / "missing.duckdb")
    assert "No database yet" in at.warning[0].value
    assert at.title[0].value == "Set up data"


def test_setup_page_lists_missing_required_files_and_a_failed_build_changes_nothing(
    app_with, tmp_path, facilitator_account
):
    database = tmp_path / "arp.duckdb"
    at = sign_in(app_with(database, source_dir=FIXTURE_SOURCES_DIR))
    assert not at.dataframe  # the folder is walked only when asked
    button(at, "Check this folder").click().run()
    missing = at.dataframe[0].value
    assert "iod2025_file1" in set(missing["Id"])
    button(at, "Build from this folder").click().run()
    assert any("The build stopped" in e.value for e in at.error)
    assert not database.exists()


def test_setup_page_says_when_the_folder_does_not_exist(app_with, tmp_path, facilitator_account):
    at = sign_in(app_with(tmp_path / "arp.duckdb", source_dir=tmp_path / "no-such-folder"))
    button(at, "Check this folder").click().run()
    assert any("There is no folder" in e.value for e in at.error)
    assert button(at, "Build from this folder").disabled


def test_framework_page_lists_domains_and_marks_the_gaps(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/framework.py")
    titles = [e.label for e in at.expander]
    assert titles[:8] == [
        "Health & wellbeing",
        "Education & skills",
        "Employment & income",
        "Housing",
        "Policing & justice",
        "Access to services & transport",
        "Civic voice & institutions",
        "Safety & belonging",
    ]
    warnings = [w.value for w in at.warning]
    assert any("No open data yet" in w for w in warnings)
    composites = next(d.value for d in at.dataframe if "Indicators in worst 10%" in d.value.columns)
    assert sorted(composites.index) == ["E01000901", "E01000902", "E01000903", "E01000904"]
    overall = composites["Overall score"].tolist()
    assert overall == sorted(overall, reverse=True)  # worst first
    # Four LSOAs have no worst tenth (a tenth of 4 is 0.4 of an area): no flag anywhere,
    # here as on the map (tests/real_data/test_real_flags.py checks the counts agree).
    assert composites["Indicators in worst 10%"].tolist() == [0, 0, 0, 0]
    assert "Stop and search in composites" in "\n".join(m.value for m in at.markdown)
    # only the access domain has scored values in the fixtures: overall = that domain
    assert (
        composites["Overall score"].tolist()
        == composites["Access to services & transport: score"].tolist()
    )


def test_framework_page_saves_a_scenario_and_refuses_a_bad_one(
    app_with, fixture_db, facilitator_account
):
    from arp import settings, workshop

    path = settings.workshop_database_path()
    at = sign_in(app_with(fixture_db, page="pages/framework.py"))
    field(at, "Save as").set_value("Equal weights").run()
    button(at, "Save scenario").click().run()
    assert any("built in" in e.value for e in at.error)
    at.slider[0].set_value(3.0).run()
    field(at, "Save as").set_value("<b>Room 2</b>").run()
    button(at, "Save scenario").click().run()
    assert not at.error
    saved = workshop.list_scenarios(path)[1]
    assert saved.name == "<b>Room 2</b>"
    assert saved.domain_weights["health"] == 3.0


def test_a_scenario_name_with_markdown_is_shown_as_typed(app_with, fixture_db, facilitator_account):
    at = sign_in(app_with(fixture_db, page="pages/framework.py"))
    field(at, "Save as").set_value("[click](javascript:alert(1)) **Room**").run()
    button(at, "Save scenario").click().run()
    message = at.success[0].value
    assert message == "Saved `[click](javascript:alert(1)) **Room**`."  # as typed, not a link
