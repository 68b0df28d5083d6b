"""The framework editor page under AppTest, on the fixture database and a real SQLite
workshop store: a facilitator builds an indicator from the catalogue, it is on the map
with the new version stated, and restoring the previous version removes it; invalid
changes list every reason; a stale page is refused."""

from __future__ import annotations

import pytest

from arp import framework_versions as fv
from arp import settings
from arp.framework_versions import Edit
from tests.app.conftest import button, sign_in

EDITOR = "pages/framework_editor.py"
ONLY_BUILT = pytest.mark.parametrize("fixture_db", ["built"], indirect=True)


def by_key(widgets, key):
    return next(w for w in widgets if w.key == key)


def texts(at) -> str:
    return "\n".join(t.value for t in at.text)


@ONLY_BUILT
def test_the_editor_is_for_signed_in_facilitators(app_with, fixture_db, facilitator_account):
    at = app_with(fixture_db, page=EDITOR)
    assert not at.tabs
    assert [b.label for b in at.button if b.label == "Sign in"]
    at = sign_in(at)
    assert [t.label for t in at.tabs] == [
        "Domains",
        "Indicators",
        "New indicator from the data",
        "What the room said",
        "Versions",
    ]


@ONLY_BUILT
def test_build_an_indicator_from_the_catalogue_see_it_on_the_map_then_restore(
    app_with, fixture_db, facilitator_account
):
    at = sign_in(app_with(fixture_db, page=EDITOR))
    store = settings.workshop_database_path()
    assert fv.latest_number(store) == 1
    by_key(at.text_input, "framework_editor_reason").set_value("the room: cars and buses")
    by_key(at.text_input, "framework_editor_search").set_value("no cars TS045").run()
    measure = by_key(at.selectbox, "framework_editor_measure")
    assert measure.options == [
        "TS045 (Car or van availability, LSOA 2021) — No cars or vans in household ÷ all households"
    ]
    key = "census_share:TS045:lsoa:No cars or vans in household"
    by_key(at.text_input, f"c_title_{key}").set_value("Households without a car (room)")
    by_key(at.selectbox, "c_domain").set_value("access")
    by_key(at.selectbox, "c_polarity").set_value("higher_is_worse")
    button(at, "Add to the framework").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved as framework version 2."]
    version = fv.latest(store)
    assert version.number == 2
    assert version.saved_by == facilitator_account
    assert version.reason == "the room: cars and buses"
    built = version.framework().indicators["households_without_a_car_room"]
    assert built.catalogue
    assert built.domain == "access"

    # On the map: the new indicator, its values computed now, and the version stated.
    at = app_with(fixture_db, page="pages/map.py", show="households_without_a_car_room")
    assert at.title[0].value == "Households without a car (room)"
    assert any("framework version 2" in c.value for c in at.caption)
    table = at.dataframe[0].value.set_index("Code")
    assert not at.warning
    # The same measure as the hand-written no_car indicator: the same values, area by area.
    shipped = app_with(fixture_db, page="pages/map.py", show="no_car").dataframe[0].value
    shipped = shipped.set_index("Code")
    (built_values,) = [c for c in table.columns if c.startswith("Value (")]
    (shipped_values,) = [c for c in shipped.columns if c.startswith("Value (")]
    assert len(table) == len(shipped) == 4
    assert table[built_values].tolist() == shipped.loc[table.index, shipped_values].tolist()
    assert table[built_values].notna().all()

    # Restore version 1 from the Versions tab: the indicator is gone from the map.
    at = sign_in(app_with(fixture_db, page=EDITOR))
    by_key(at.selectbox, "framework_editor_restore").set_value(1)
    button(at, "Restore version 1").click().run()
    assert not at.exception, at.exception
    assert fv.latest_number(store) == 3
    assert "households_without_a_car_room" not in fv.latest(store).framework().indicators
    at = app_with(fixture_db, page="pages/map.py", show="households_without_a_car_room")
    assert any("not a valid show" in w.value for w in at.warning)
    assert any("framework version 3" in c.value for c in at.caption)


@ONLY_BUILT
def test_an_invalid_change_lists_every_reason_and_saves_nothing(
    app_with, fixture_db, facilitator_account
):
    at = sign_in(app_with(fixture_db, page=EDITOR))
    assert by_key(at.selectbox, "framework_editor_domain").value == "health"
    by_key(at.text_input, "d_title_health").set_value("   ")
    by_key(at.checkbox, "d_retired_health").check()
    button(at, "Save the domain").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["Not saved. Every reason:"]
    shown = texts(at)
    assert "title cannot be empty" in shown
    assert "say in one line why" in shown
    assert fv.latest_number(settings.workshop_database_path()) == 1


@ONLY_BUILT
def test_a_page_opened_before_another_facilitator_saved_is_told_what_changed(
    app_with, fixture_db, facilitator_account
):
    at = sign_in(app_with(fixture_db, page=EDITOR))
    fv.edit(
        settings.workshop_database_path(),
        [Edit("rename_domain", "civic", {"title": "Voice"})],
        based_on=1,
        by="Another Facilitator",
        reason="the other room",
    )
    at.run()
    assert any("moved on to version 2" in w.value for w in at.warning)
    assert "domain 'civic' title: 'Civic voice & institutions' → 'Voice'" in texts(at)
    assert not at.tabs  # no form to save from a stale version
    button(at, "Start from the current version").click().run()
    assert at.tabs
    assert any("version 2" in m.value for m in at.markdown)


@ONLY_BUILT
def test_tag_approved_notes_with_themes_and_see_them_beside_the_domain(
    app_with, fixture_db, facilitator_account
):
    from arp import insights
    from arp.insights import Insight

    store = settings.workshop_database_path()
    notes = []
    for words in ("The 50 bus never comes after eight", "No *bus* after dark"):
        saved = insights.save(
            store,
            Insight(
                area_code="E01000901", domain="access", kind="barrier", text=words, consent=True
            ),
        )
        insights.moderate(store, saved, "approve", facilitator_account)
        notes.append(saved)
    at = sign_in(app_with(fixture_db, page=EDITOR))
    by_key(at.selectbox, "framework_editor_theme_domain").set_value("access").run()
    for note, words in zip(notes, ("Buses, after dark", "BUSES"), strict=True):
        by_key(at.selectbox, "framework_editor_theme_note").set_value(note)
        by_key(at.text_input, "framework_editor_themes").set_value(words)
        button(at, "Tag the note").click().run()
        assert not at.exception, at.exception
    shown = texts(at)
    assert "Buses — 2 notes" in shown
    assert "after dark — 1 note" in shown
    assert "e.g. “No *bus* after dark”" in shown  # as typed, never as Markdown
    assert [s.value for s in at.success] == [f"Tagged note {notes[1]} (1 theme)."]

    at = app_with(fixture_db, page="pages/framework.py")
    assert "Buses — 2 notes" in texts(at)


@ONLY_BUILT
def test_a_link_pins_a_framework_version_and_keeps_it(app_with, fixture_db):
    store = settings.workshop_database_path()
    assert fv.latest_number(store) == 1  # the seed, saved when first asked for
    fv.edit(
        store,
        [Edit("rename_domain", "access", {"title": "Getting about"})],
        based_on=1,
        by="Amina",
        reason="the room's word",
    )
    now = app_with(fixture_db, show="no_car")  # through app.py, as a visitor opens it
    assert any("framework version 2" in c.value for c in now.caption)
    pinned = app_with(fixture_db, show="no_car", fw="1")
    assert any("framework version 1" in c.value for c in pinned.caption)
    assert not pinned.warning
    assert pinned.query_params["fw"] in ("1", ["1"])  # carried on with the view
