"""Capture and moderation through AppTest, and where insights may (and may not) appear."""

from __future__ import annotations

import json

import pytest

from arp import facilitators, insights, sessions, settings
from arp.insights import Insight
from tests.app.conftest import sign_in

HOSTILE = "<script>alert('x')</script> <img src=x onerror=alert(1)> $x$ '); drop table insights; --"


@pytest.fixture
def start(app_with, fixture_db, facilitator_account):
    def open_page(page, **params):
        return app_with(fixture_db, page=page, **params)

    return open_page


def save(text, status=None, area="E01000901"):
    path = settings.workshop_database_path()
    saved = insights.save(
        path, Insight(area_code=area, domain="access", kind="barrier", text=text, consent=True)
    )
    if status:
        insights.moderate(path, saved, status, "test")
    return saved


def test_capture_saves_a_pending_redacted_note(start):
    at = start("pages/capture.py")
    at.text_input[0].set_value("B1 1AA").run()  # a postcode finds its LSOA
    at.button[0].click().run()  # "Use this place"
    at.text_area[0].set_value("No step-free bus stop; call 0121 496 0000").run()
    assert "[phone number removed]" in at.code[0].value
    at.checkbox[0].check().run()
    at.button[-1].click().run()
    assert at.success, [e.value for e in at.error]
    pending = insights.listing(settings.workshop_database_path(), "pending")
    assert pending["text"].tolist() == ["No step-free bus stop; call [phone number removed]"]
    assert pending["area_code"].tolist() == ["E01000901"]


def test_capture_refuses_without_consent_and_says_why(start):
    at = start("pages/capture.py")
    at.text_input[0].set_value("B1 1AA").run()
    at.button[0].click().run()
    at.text_area[0].set_value("a note").run()
    at.button[-1].click().run()
    assert any("tick the box" in e.value for e in at.error)
    assert insights.listing(settings.workshop_database_path(), "pending").empty


def test_moderation_needs_the_password(start):
    save("waiting for a facilitator")
    at = sign_in(start("pages/moderate.py"), password="wrong password")
    assert any("That name and password do not match" in e.value for e in at.error)
    assert not any(c.value.startswith("#") for c in at.caption)
    assert "waiting for a facilitator" not in [t.value for t in at.text]


def test_moderation_without_any_account_lets_nobody_in(start):
    facilitators.remove_account(settings.workshop_database_path(), "Test Facilitator")
    at = start("pages/moderate.py")
    assert any("No facilitator account yet" in e.value for e in at.error)
    assert any("arp facilitator add" in e.value for e in at.error)
    assert not at.text_input


def test_facilitator_approves_and_only_approved_notes_appear(start):
    approved = save("approve me")
    save("leave me pending")
    save("reject me", status="reject")
    at = sign_in(start("pages/moderate.py"))
    assert "2 notes wait for moderation. Showing 1 to 2, oldest first." in [
        m.value for m in at.markdown
    ]
    at.button(key=f"approve-{approved}").click().run()
    profile = start("pages/area_profile.py", area="E01000901")
    assert [t.value for t in profile.text] == ["approve me"]
    ward = start("pages/area_profile.py", area="E05000901")  # the LSOA's ward shows it too
    assert [t.value for t in ward.text] == ["approve me"]


def test_hostile_note_is_shown_as_text_in_the_profile_and_map(start):
    save(HOSTILE, status="approve")
    profile = start("pages/area_profile.py", area="E01000901")
    assert [t.value for t in profile.text] == [HOSTILE]  # st.text: never Markdown
    explorer_page = start(None, show="no_car")
    table = explorer_page.dataframe[0].value.set_index("Code")
    assert table.loc["E01000901", "Workshop insights"] == 1
    assert table.loc["E01000902", "Workshop insights"] == 0


def test_vote_page_needs_a_session_and_counts_dots(start):
    from datetime import date

    at = start("pages/vote.py")
    assert any("not in a workshop session" in i.value for i in at.info)
    from arp import room

    session = sessions.create(settings.workshop_database_path(), "Room 2", date(2026, 3, 14))
    room.open_voting(settings.workshop_database_path(), session.session_id, "test")
    at = start("pages/vote.py", session=session.session_id)
    assert any("Getting your ballot ready" in c.value for c in at.caption)  # no token yet
    at.session_state["participant_token"] = "0123456789abcdef0123456789abcdef"  # as kept
    at.run()
    at.number_input[0].set_value(4).run()
    assert not at.warning
    at.button[0].click().run()
    assert any("place all 10 dots: you have placed 4" in e.value for e in at.error)
    at.number_input[1].set_value(8).run()  # each box allows 10, so together they hold 12
    assert [w.value for w in at.warning] == [
        "2 dots too many: take them away, then cast your dots."
    ]
    at.button[0].click().run()
    assert any("place all 10 dots: you have placed 12" in e.value for e in at.error)
    assert sessions.results(settings.workshop_database_path(), session.session_id).empty
    at.number_input[1].set_value(6).run()
    assert not at.warning
    at.button[0].click().run()
    assert at.success
    results = sessions.results(settings.workshop_database_path(), session.session_id)
    assert results["dots"].sum() == 10


def test_facilitator_creates_a_session_with_a_join_link(start):
    at = sign_in(start("pages/moderate.py"))
    # A form commits its fields on submit: set them, then click, then run once.
    next(t for t in at.text_input if t.label == "Title").set_value("Handsworth listening event")
    next(b for b in at.button if b.label == "Create session").click().run()
    texts = " ".join(t.value for t in at.text)
    assert "Join link: http://localhost:8501/join?session=" in texts
    assert [m.value for m in at.success] == ["Session created: `Handsworth listening event`"]
    # The form is emptied, so pressing Create again makes nothing twice.
    assert next(t for t in at.text_input if t.label == "Title").value == ""
    next(b for b in at.button if b.label == "Create session").click().run()
    assert [m.value for m in at.error] == ["give the session a title"]
    assert len(sessions.listing(settings.workshop_database_path())) == 1


def test_a_refused_session_keeps_what_the_facilitator_typed(start):
    at = sign_in(start("pages/moderate.py"))
    next(t for t in at.text_input if t.label == "Title").set_value("x" * 121)
    next(t for t in at.text_input if t.label == "Venue (optional)").set_value("Soho Road library")
    next(b for b in at.button if b.label == "Create session").click().run()
    assert [m.value for m in at.error] == ["keep the title and venue under 120 characters"]
    assert next(t for t in at.text_input if t.label == "Venue (optional)").value == (
        "Soho Road library"
    )
    assert sessions.listing(settings.workshop_database_path()) == []


def test_evidence_meets_experience_counts_approved_insights_by_ward_and_domain(start):
    save("approved in Birmingham 001A", status="approve")  # access domain, LSOA E01000901
    save("still pending")
    at = start("pages/framework.py")
    evidence = next(
        d.value for d in at.dataframe if "Lived experience: insights" in d.value.columns
    )
    row = evidence[
        (evidence["Code"] == "E05000901") & (evidence["Domain"] == "Access to services & transport")
    ]
    assert row["Lived experience: insights"].tolist() == [1]  # the pending note is not counted
    assert row["Data: domain score"].notna().all()


def test_insights_and_stop_search_layers_render_on_the_map(start):
    save("approved", status="approve")
    at = start(None, show="no_car")
    at.sidebar.multiselect[0].set_value(["insights", "stop_search"]).run()
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    (pins,) = [o["points"] for o in spec["overlays"] if o["name"].startswith("Workshop")]
    assert [label for *_, label in pins] == ["1 approved workshop insight(s)"]


def test_a_phone_saving_faster_than_anyone_writes_is_asked_to_wait(start):
    at = start("pages/capture.py")
    at.text_input[0].set_value("B1 1AA").run()
    at.button[0].click().run()
    for note in range(insights.NOTES_PER_WINDOW):
        at.text_area[0].set_value(f"note number {note}")
        at.checkbox[0].check().run()  # each save clears the form, the tick too
        at.button[-1].click().run()
        assert at.success, [e.value for e in at.error]
    at.text_area[0].set_value("one note too many")
    at.checkbox[0].check().run()
    at.button[-1].click().run()
    assert not at.success
    (warning,) = at.warning
    assert "each phone can save 5 notes every 5 minutes" in warning.value
    assert "You can save this one in 5 minutes: it stays here until then." in warning.value
    assert at.text_area[0].value == "one note too many"  # kept for when they may save
    path = settings.workshop_database_path()
    assert len(insights.listing(path, "pending")) == insights.NOTES_PER_WINDOW
    # The limit is per browser session: the next person in the room saves at once.
    other = start("pages/capture.py")
    other.text_input[0].set_value("B1 1AA").run()
    other.button[0].click().run()
    other.checkbox[0].check().run()
    other.text_area[0].set_value("from the next phone").run()
    other.button[-1].click().run()
    assert other.success, [w.value for w in other.warning]
    assert len(insights.listing(path, "pending")) == insights.NOTES_PER_WINDOW + 1


def test_street_tiles_reach_a_session_s_capture_map_only_when_a_facilitator_turns_them_on(
    start,
):
    from datetime import date

    from arp import maps, sessions

    path = settings.workshop_database_path()
    room = sessions.create(path, "Room 1", date(2026, 3, 14))
    other = sessions.create(path, "Room 2", date(2026, 3, 14))

    def capture_tiles(session_id=None):
        at = start("pages/capture.py", **({"session": session_id} if session_id else {}))
        (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
        return spec["tiles"]

    assert capture_tiles(room.session_id) is None  # offline is the default in a venue
    (explorer,) = [json.loads(e.proto.json) for e in start(None).get("bidi_component")]
    assert explorer["tiles"] is None
    anonymous = start("pages/moderate.py")
    assert not anonymous.toggle  # only a signed-in facilitator sees the switch
    at = sign_in(start("pages/moderate.py"))
    at.toggle(key=f"tiles-{room.session_id}").set_value(True).run()
    assert sessions.street_tiles(path, room.session_id) is True
    assert capture_tiles(room.session_id) == maps.TILES
    assert capture_tiles(other.session_id) is None  # per session
    assert capture_tiles() is None  # no session in the link
    at.toggle(key=f"tiles-{room.session_id}").set_value(False).run()
    assert capture_tiles(room.session_id) is None
