"""A participant's journey through AppTest: the join link's home, the session carried from
page to page and onto every note, unknown sessions refused, the note form, room links."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from arp import room, sessions, settings, workshop
from tests.app.conftest import sign_in


@pytest.fixture
def start(app_with, fixture_db, facilitator_account, monkeypatch):
    monkeypatch.delenv("ARP_PUBLIC_URL", raising=False)

    def open_page(page, **params):
        return app_with(fixture_db, page=page, **params)

    return open_page


def make_session(title="Handsworth listening event", held_on=None, venue="Library"):
    return sessions.create(settings.workshop_database_path(), title, held_on or date.today(), venue)


def stored_notes():
    with workshop.connect(settings.workshop_database_path(), write=False) as con:
        return con.execute(
            text("select session_id, text from insights order by insight_id")
        ).fetchall()


def page_links(at):
    return [(link.proto.label, link.proto.page) for link in at.get("page_link")]


def fill_note(at, note="The bus stop has no shelter", tick=True):
    at.text_input[0].set_value("B1 1AA").run()  # a postcode finds its LSOA
    next(b for b in at.button if b.label == "Use this place").click().run()
    at.text_area[0].set_value(note)
    if tick:
        at.checkbox[0].check()
    at.run()


def save_button(at):
    return next(b for b in at.button if b.label == "Save my note")


def test_the_join_link_opens_the_sessions_home_and_its_buttons_carry_the_session(start):
    session = make_session()
    at = start("pages/join.py", session=session.session_id)
    assert as_read(at.title[0].value) == "Handsworth listening event"
    assert as_read(at.caption[0].value) == f"Library · {date.today():%-d %B %Y}"
    # Voting is closed until the facilitator opens it on the room console.
    assert [b.label for b in at.button] == [
        "Add what you know about a place",
        "See the room's map",
    ]
    assert any("Voting on priorities opens" in c.value for c in at.caption)
    room.open_voting(settings.workshop_database_path(), session.session_id, "Asha")
    at = start("pages/join.py", session=session.session_id)
    labels = [b.label for b in at.button]
    assert labels == [
        "Add what you know about a place",
        "Vote on priorities",
        "See the room's map",
    ]
    at.button[0].click().run()
    assert at.title[0].value == "Add what you know about a place"
    assert at.query_params["session"] == session.session_id
    at.switch_page("pages/capture.py").run()  # AppTest's tree after st.switch_page is stale
    fill_note(at)
    save_button(at).click().run()
    assert at.success, [e.value for e in at.error]
    assert stored_notes() == [(session.session_id, "The bus stop has no shelter")]


def test_the_session_travels_to_pages_opened_without_it(start):
    session = make_session()
    room.open_voting(settings.workshop_database_path(), session.session_id, "Asha")
    at = start("pages/join.py", session=session.session_id)
    # The sidebar's links carry no query string: the kept session is put back (app.py does
    # it for every page; AppTest runs a page without app.py, so the map's part is in the
    # Chromium test).
    at.query_params.clear()
    at.switch_page("pages/vote.py").run()
    assert not at.info, [i.value for i in at.info]
    assert as_read(at.caption[0].value).startswith("Handsworth listening event")
    at.query_params.clear()
    at.switch_page("pages/capture.py").run()
    fill_note(at, "Noted after the map")
    save_button(at).click().run()
    assert stored_notes() == [(session.session_id, "Noted after the map")]


def test_an_unknown_session_is_refused_and_nothing_can_be_saved_under_it(start):
    make_session()
    for page in ("pages/join.py", "pages/capture.py", "pages/vote.py"):
        at = start(page, session="doesnotexist")
        (error,) = at.error
        assert 'There is no workshop session "doesnotexist"' in error.value
        assert not at.text_area
        assert not at.number_input
    assert stored_notes() == []


def test_without_a_session_participant_pages_say_so_and_list_the_open_ones(start):
    today = make_session("Today's room", date.today(), "Library")
    later = make_session("Next month", date.today() + timedelta(days=30), "")
    make_session("Long gone", date.today() - timedelta(days=3), "Hall")
    for page in ("pages/join.py", "pages/vote.py", "pages/capture.py"):
        at = start(page)
        assert any("not in a workshop session" in i.value for i in at.info)
        listed = [as_read(label) for label, target in page_links(at) if target == "join"]
        assert listed == [
            f"Today's room · Library · {today.held_on:%-d %B %Y}",
            f"Next month · {later.held_on:%-d %B %Y}",
        ]
    assert start("pages/capture.py").text_area  # a note may still be added outside one


def test_the_form_is_cleared_after_saving_and_a_second_tap_stores_nothing(start):
    session = make_session()
    at = start("pages/capture.py", session=session.session_id)
    fill_note(at, "A long note that a phone must show whole, " * 5)
    save_button(at).click().run()
    assert "Thank you" in at.success[0].value
    assert at.code[0].value == ("A long note that a phone must show whole, " * 5).strip()
    assert at.text_area[0].value == ""
    assert not at.checkbox[0].value
    save_button(at).click().run()  # unsure it worked, the participant taps again
    assert any("already saved, once" in i.value for i in at.info)
    assert not at.error
    assert len(stored_notes()) == 1


def test_every_problem_is_listed_at_once(start):
    at = start("pages/capture.py", session=make_session().session_id)
    save_button(at).click().run()
    (error,) = at.error
    assert error.value == (
        "Not saved yet. Please:\n"
        "- Choose a place on the map, by name or by postcode.\n"
        "- Please write your note.\n"
        "- Please tick the box to say your note may be used as described."
    )


def test_a_note_past_the_limit_is_kept_counted_and_refused_with_the_reason(start):
    at = start("pages/capture.py", session=make_session().session_id)
    fill_note(at, "y" * 1500)  # pasted: Streamlit's own max_chars would drop it silently
    assert at.text_area[0].value == "y" * 1500
    assert "1,500 of 1,000 characters: 500 too many" in at.warning[0].value
    save_button(at).click().run()
    assert "shorten it by 500" in at.error[0].value
    assert stored_notes() == []
    at.text_area[0].set_value("y" * 1000).run()
    assert any(c.value.startswith("1,000 of 1,000 characters") for c in at.caption)
    save_button(at).click().run()
    assert at.success
    assert len(stored_notes()[0][1]) == 1000


def signed_in(start):
    return sign_in(start("pages/moderate.py"))


def as_read(markdown: str) -> str:
    """What a reader sees of a value widgets.plain() put in a code span."""
    return re.sub(r"(`+) ?(.*?) ?\1", r"\2", markdown)


def test_room_links_warn_when_only_this_computer_can_open_them(start, monkeypatch):
    session = make_session()
    at = signed_in(start)
    (warning,) = at.warning
    assert "http://localhost:8501, which only this computer can open" in warning.value
    texts = [t.value for t in at.text]
    assert f"Join link: http://localhost:8501/join?session={session.session_id}" in texts
    console = sign_in(start("pages/console.py", session=session.session_id))
    assert any("only this computer can open" in w.value for w in console.warning)
    assert f"http://localhost:8501/vote?session={session.session_id}" in [
        c.value for c in console.code
    ]
    monkeypatch.setenv("ARP_PUBLIC_URL", "http://192.168.1.20:8501")
    at = signed_in(start)
    assert not at.warning
    texts = [t.value for t in at.text]
    assert f"Join link: http://192.168.1.20:8501/join?session={session.session_id}" in texts
    console = sign_in(start("pages/console.py", session=session.session_id))
    assert not console.warning
    assert f"http://192.168.1.20:8501/vote?session={session.session_id}" in [
        c.value for c in console.code
    ]
