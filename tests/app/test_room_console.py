"""The room console and the vote page through AppTest: only a signed-in facilitator changes a
session; moderation is undone, asks before rejecting, and shows words, not ids; one ballot
per participant, private until revealed."""

from __future__ import annotations

from datetime import date

import pytest

from arp import insights, room, sessions, settings
from arp.insights import Insight
from tests.app.conftest import FACILITATOR, sign_in

PARTICIPANT = "0123456789abcdef0123456789abcdef"
STATE_BUTTONS = {
    "Open note-taking",
    "Close note-taking",
    "Open voting",
    "Close voting",
    "Reveal results",
    "Hide results",
    "End the session…",
}


@pytest.fixture
def start(app_with, fixture_db, facilitator_account):
    def open_page(page, **params):
        return app_with(fixture_db, page=page, **params)

    return open_page


@pytest.fixture
def session():
    return sessions.create(
        settings.workshop_database_path(), "Small Heath listening", date(2026, 3, 14), "Library"
    )


def store():
    return settings.workshop_database_path()


def click(at, label=None, key=None):
    button = at.button(key=key) if key else next(b for b in at.button if b.label == label)
    button.click().run()
    assert not at.exception, at.exception
    return at


def pending(session_id, count, text="note"):
    return [
        insights.save(
            store(),
            Insight(
                "E01000901",
                "access",
                "barrier",
                f"{text} {n}",
                True,
                session_id=session_id,
                age_band="25 to 34",
            ),
        )
        for n in range(count)
    ]


def status_of(insight_id):
    found = [
        status
        for status in insights.STATUSES
        if insight_id in insights.listing(store(), status)["insight_id"].tolist()
    ]
    return found[0]


def moderation_log(insight_id):
    from sqlalchemy import text

    from arp import workshop

    with workshop.connect(store(), write=False) as con:
        return [
            tuple(row)
            for row in con.execute(
                text(
                    "select action, facilitator from moderation_log where insight_id = :id "
                    "order by action_number"
                ),
                {"id": insight_id},
            )
        ]


# --- only a facilitator changes a session ----------------------------------------------------


def test_anonymous_visitors_see_no_console_and_change_nothing(start, session):
    (note,) = pending(session.session_id, 1)
    before = room.state(store(), session.session_id)
    at = start("pages/console.py", session=session.session_id)
    assert not STATE_BUTTONS & {b.label for b in at.button}
    assert not [b for b in at.button if b.key and b.key.startswith(("approve-", "reject-"))]
    assert "note 0" not in " ".join(t.value for t in at.text)
    assert not at.image  # no QR codes either
    at.text_input[0].set_value("a wrong password").run()
    click(at, "Sign in")
    assert not STATE_BUTTONS & {b.label for b in at.button}
    # The participant pages have no way to change it either.
    vote = start("pages/vote.py", session=session.session_id)
    assert not STATE_BUTTONS & {b.label for b in vote.button}
    assert room.state(store(), session.session_id) == before
    assert room.history(store(), session.session_id).empty
    assert status_of(note) == "pending"


def test_the_facilitator_opens_and_closes_the_room_and_each_change_is_logged(start, session):
    sid = session.session_id
    at = sign_in(start("pages/console.py", session=sid))
    assert len(at.image) == 2
    assert [h.value for h in at.subheader][:2] == [
        "Scan to join the session",
        "Scan to vote",
    ]
    links = [c.value for c in at.code]
    assert links == [
        f"http://localhost:8501/join?session={sid}",
        f"http://localhost:8501/vote?session={sid}",
    ]
    assert "Note-taking open · voting closed · results hidden" in [c.value for c in at.caption]
    click(at, "Open voting")
    click(at, "Reveal results")
    click(at, "Close note-taking")
    state = room.state(store(), sid)
    assert (state.capture_open, state.voting_open, state.results_revealed) == (False, True, True)
    assert "Note-taking closed · voting open · results shown" in [c.value for c in at.caption]
    assert {"Open note-taking", "Close voting", "Hide results"} <= {b.label for b in at.button}
    click(at, "End the session…")
    assert room.state(store(), sid).ended is None  # asked first
    assert any("close for good" in w.value for w in at.warning)
    click(at, "Keep it going")
    assert room.state(store(), sid).ended is None
    click(at, "End the session…")
    click(at, "Yes, end it")
    assert room.state(store(), sid).ended is not None
    assert not STATE_BUTTONS & {b.label for b in at.button}
    history = room.history(store(), sid)
    assert history["action"].tolist() == [
        "ended the session",
        "closed note-taking",
        "revealed the results",
        "opened voting",
    ]
    assert set(history["facilitator"]) == {FACILITATOR}  # signin.current_facilitator()


def test_the_qr_codes_are_big_enough_for_a_projector():
    import struct

    from arp.ui import console

    png = sessions.qr_png("http://192.168.1.20:8501/vote?session=KiGowB3H", console.QR_SCALE)
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's size
    assert width == height >= console.QR_WIDTH_PROJECTED  # drawn smaller, never blown up


def test_a_console_without_a_session_in_the_link_offers_the_sessions(start, session):
    at = sign_in(start("pages/console.py"))
    picker = next(s for s in at.selectbox if s.label == "Session")
    picker.select(session.session_id).run()
    assert at.query_params["session"] == session.session_id
    assert next(c.value for c in at.code).endswith(f"/join?session={session.session_id}")


# --- the moderation queue ----------------------------------------------------------------------


def test_cards_are_in_words_and_the_queue_is_paged(start, session):
    notes = pending(session.session_id, 23)
    pending(None, 2, "another room's")  # not this room's queue
    at = sign_in(start("pages/console.py", session=session.session_id))
    assert "23 notes wait for moderation. Showing 1 to 10, oldest first." in [
        m.value for m in at.markdown
    ]
    assert "**A barrier** about **Access to services & transport**" in [
        m.value for m in at.markdown
    ]
    captions = [c.value for c in at.caption]
    place = next(c for c in captions if c.startswith("Birmingham"))
    assert "sent just now, " in place
    assert "About them: 25 to 34" in captions
    shown = " ".join([*captions, *(m.value for m in at.markdown)])
    assert "E01000901" not in shown
    assert "access" not in shown.replace("Access", "")  # the domain's words, not its id
    assert not any(f"#{n}" in c for n in notes for c in captions)  # no "#12 · E01…" ids
    assert [t.value for t in at.text][:10] == [f"note {n}" for n in range(10)]
    click(at, "Later notes")
    click(at, "Later notes")
    assert [t.value for t in at.text][:3] == ["note 20", "note 21", "note 22"]
    assert "Page 3 of 3" in [c.value for c in at.caption]


def test_undo_restores_the_notes_previous_state_and_logs_both_actions(start, session):
    first, second, third = pending(session.session_id, 3)
    at = sign_in(start("pages/console.py", session=session.session_id))
    click(at, key=f"approve-{first}")
    assert status_of(first) == "approved"
    assert any("Approved “note 0”" in s.value for s in at.success)
    click(at, key=f"undo-{first}-1")
    assert status_of(first) == "pending"
    assert moderation_log(first) == [("approve", FACILITATOR), ("undo", FACILITATOR)]
    assert any("Undone" in s.value for s in at.success)
    assert next(t.value for t in at.text) == "note 0"  # back in the queue, first
    # Redact, then undo: the text as it was before.
    next(t for t in at.text_area if t.key == f"edit-{second}").set_value("note, redacted").run()
    click(at, key=f"redact-{second}")
    assert insights.listing(store(), "approved")["text"].tolist() == ["note, redacted"]
    undo = next(b for b in at.button if b.key == f"undo-{second}-1")
    undo.click().run()
    assert insights.listing(store(), "pending").set_index("insight_id").loc[second, "text"] == (
        "note 1"
    )
    assert moderation_log(second) == [("redact", FACILITATOR), ("undo", FACILITATOR)]
    # An undo line itself offers no undo.
    assert not [b for b in at.button if b.key and b.key.startswith(f"undo-{first}-")]
    assert status_of(third) == "pending"


def test_reject_asks_first_and_is_undone_too(start, session):
    (note,) = pending(session.session_id, 1)
    at = sign_in(start("pages/console.py", session=session.session_id))
    click(at, key=f"reject-{note}")
    assert status_of(note) == "pending"  # not yet
    assert any("Reject this note?" in w.value for w in at.warning)
    click(at, "Keep it")
    assert status_of(note) == "pending"
    assert not any("Reject this note?" in w.value for w in at.warning)
    click(at, key=f"reject-{note}")
    click(at, "Yes, reject it")
    assert status_of(note) == "rejected"
    click(at, key=f"undo-{note}-1")
    assert status_of(note) == "pending"
    assert moderation_log(note) == [("reject", FACILITATOR), ("undo", FACILITATOR)]


def test_the_moderate_page_pages_every_sessions_notes(start, session):
    pending(session.session_id, 12)
    pending(None, 1, "imported")
    at = sign_in(start("pages/moderate.py"))
    assert "13 notes wait for moderation. Showing 1 to 10, oldest first." in [
        m.value for m in at.markdown
    ]
    links = [link for link in at.get("page_link") if "room console" in link.proto.label]
    assert len(links) == 1


# --- ballots -----------------------------------------------------------------------------------


@pytest.fixture
def voter(app_with, fixture_db, monkeypatch):
    """voter(session_id, token) -> the vote page in a browser that keeps `token` (the
    participant token arp.ui.participant reads from the browser)."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    monkeypatch.setenv("ARP_DB", str(fixture_db))

    def open_vote(sid, token=PARTICIPANT):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["participant_token"] = token
        at.query_params["session"] = sid
        at.switch_page("pages/vote.py").run()
        assert not at.exception, at.exception
        return at

    return open_vote


def test_voting_waits_for_the_facilitator_and_results_wait_to_be_revealed(voter, session):
    sid = session.session_id
    at = voter(sid)
    assert any("Voting is not open yet" in i.value for i in at.info)
    assert not at.number_input
    room.open_voting(store(), sid, "Asha")
    at = voter(sid)
    at.number_input[0].set_value(4).run()
    at.number_input[1].set_value(6).run()
    click(at, "Cast my dots")
    assert at.success
    assert "The room's results stay private until the facilitator reveals them." in [
        c.value for c in at.caption
    ]
    assert not at.get("vega_lite_chart")
    room.reveal_results(store(), sid, "Asha")
    at = voter(sid)
    assert "The room's priorities" in [s.value for s in at.subheader]
    assert len(at.get("vega_lite_chart")) == 1


def test_one_ballot_per_participant_a_reload_shows_it_and_a_change_replaces_it(voter, session):
    sid = session.session_id
    room.open_voting(store(), sid, "Asha")
    at = voter(sid)
    at.number_input[0].set_value(10).run()
    click(at, "Cast my dots")
    # A reload: a new Streamlit session, the same browser token.
    at = voter(sid)
    assert [n.value for n in at.number_input][:2] == [10, 0]
    at.number_input[0].set_value(3).run()
    at.number_input[1].set_value(7).run()
    click(at, "Change my dots")
    # After adding a note (its double-tap token changes), still the same voter.
    pending(sid, 1)
    at = voter(sid)
    assert [n.value for n in at.number_input][:2] == [3, 7]
    assert sessions.ballot_count(store(), sid) == 1
    assert sessions.results(store(), sid)["dots"].sum() == 10
    other = voter(sid, "f" * 32)
    other.number_input[2].set_value(10).run()
    click(other, "Cast my dots")
    assert sessions.ballot_count(store(), sid) == 2


def test_the_rooms_result_is_saved_from_the_console_once_voting_closes(start, voter, session):
    sid = session.session_id
    room.open_voting(store(), sid, "Asha")
    at = voter(sid)
    at.number_input[0].set_value(10).run()
    click(at, "Cast my dots")
    console = sign_in(start("pages/console.py", session=sid))
    click(console, "Reveal results")
    assert not [b for b in console.button if b.label == "Save as weighting scenario"]
    assert any("Close voting to save" in c.value for c in console.caption)
    click(console, "Close voting")
    click(console, "Save as weighting scenario")
    assert any("Saved `Small Heath listening dots`:" in s.value for s in console.success)
    latest = room.history(store(), sid).iloc[0]
    assert (latest["action"], latest["detail"]) == (
        "saved the room's result as a weighting scenario",
        "Small Heath listening dots",
    )
