"""The room console's store, on SQLite and PostgreSQL: a session's state changed only by a
facilitator and logged; one ballot per participant per session, private until revealed;
moderation undone; the moderation queue paged, its queries on their indexes."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from arp import insights, room, sessions, workshop
from arp.insights import Insight, InsightError

DOMAINS = ["health", "housing", "policing"]
TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


@pytest.fixture
def session(store):
    return sessions.create(store, "Small Heath listening", date(2026, 3, 14), "Library")


def note(session_id=None, text_="The surgery has no interpreter on Fridays.") -> Insight:
    return Insight("E01000901", "health", "barrier", text_, True, session_id=session_id)


def rows(store, sql, **params):
    with workshop.connect(store, write=False) as con:
        return [tuple(r) for r in con.execute(text(sql), params)]


# --- session state -------------------------------------------------------------------------


def test_a_new_session_takes_notes_with_voting_closed_and_results_hidden(store, session):
    state = room.state(store, session.session_id)
    assert state == room.RoomState(session.session_id)
    assert (state.capture_open, state.voting_open, state.results_revealed, state.ended) == (
        True,
        False,
        False,
        None,
    )


def test_each_change_is_stored_with_who_and_when_and_logged(store, session):
    sid = session.session_id
    before = datetime.now(UTC)
    room.open_voting(store, sid, "Asha")
    room.open_voting(store, sid, "Ben")  # already open: nothing changes, nothing logged
    room.reveal_results(store, sid, "Ben")
    room.close_capture(store, sid, "  Asha  ")
    state = room.state(store, sid)
    assert (state.voting_open, state.results_revealed, state.capture_open) == (True, True, False)
    assert state.voting_changed.by == "Asha"
    assert state.results_changed.by == "Ben"
    assert state.capture_changed.by == "Asha"
    assert before <= state.voting_changed.at <= state.results_changed.at <= datetime.now(UTC)
    history = room.history(store, sid)
    assert history[["facilitator", "action"]].values.tolist() == [
        ["Asha", "closed note-taking"],
        ["Ben", "revealed the results"],
        ["Asha", "opened voting"],
    ]


@pytest.mark.parametrize("nobody", [None, "", "   "])
def test_nobody_but_a_facilitator_changes_a_room(store, session, nobody):
    for action in room.ACTIONS:
        if action == "save_scenario":
            continue
        with pytest.raises(room.RoomError, match="signed-in facilitator"):
            room.change(store, session.session_id, action, nobody)
    assert room.state(store, session.session_id) == room.RoomState(session.session_id)
    assert room.history(store, session.session_id).empty


def test_unknown_sessions_and_changes_are_refused(store, session):
    with pytest.raises(room.RoomError, match="does not exist"):
        room.open_voting(store, "nope", "Asha")
    with pytest.raises(room.RoomError, match="unknown change"):
        room.change(store, session.session_id, "drop table sessions", "Asha")


def test_an_ended_session_is_closed_for_good(store, session):
    sid = session.session_id
    room.open_voting(store, sid, "Asha")
    state = room.end_session(store, sid, "Ben")
    assert (state.capture_open, state.voting_open) == (False, False)
    assert state.ended.by == "Ben"
    assert room.state(store, sid) == state
    for reopen in (room.open_voting, room.open_capture, room.end_session):
        with pytest.raises(room.RoomError, match="has ended"):
            reopen(store, sid, "Asha")
    with pytest.raises(sessions.SessionError, match="has ended"):
        sessions.vote(store, sid, TOKEN_A, {"health": 10}, set(DOMAINS))
    with pytest.raises(InsightError, match="not taking notes"):
        insights.save(store, note(sid))
    assert room.history(store, sid)["action"].tolist() == ["ended the session", "opened voting"]


def test_closed_note_taking_refuses_new_notes_but_not_a_retry(store, session):
    sid = session.session_id
    other = sessions.create(store, "Another room", date(2026, 3, 14))
    saved_before = note(sid)
    first = insights.save(store, saved_before)
    room.close_capture(store, sid, "Asha")
    assert insights.save(store, saved_before) == first  # the same submission, retried
    with pytest.raises(InsightError, match="not taking notes"):
        insights.save(store, note(sid, "after closing"))
    insights.save(store, note(other.session_id, "another room still takes notes"))
    insights.save(store, note(None, "an imported note has no session"))
    room.open_capture(store, sid, "Asha")
    insights.save(store, note(sid, "open again"))
    texts = rows(store, "select text from insights order by insight_id")
    assert [t for (t,) in texts] == [
        "The surgery has no interpreter on Fridays.",
        "another room still takes notes",
        "an imported note has no session",
        "open again",
    ]


# --- ballots ------------------------------------------------------------------------------


def test_voting_opens_and_closes_by_the_facilitator(store, session):
    sid = session.session_id
    with pytest.raises(sessions.SessionError, match="voting is not open"):
        sessions.vote(store, sid, TOKEN_A, {"health": 10}, set(DOMAINS))
    room.open_voting(store, sid, "Asha")
    sessions.vote(store, sid, TOKEN_A, {"health": 10}, set(DOMAINS))
    room.close_voting(store, sid, "Asha")
    with pytest.raises(sessions.SessionError, match="voting is not open"):
        sessions.vote(store, sid, TOKEN_A, {"housing": 10}, set(DOMAINS))
    assert sessions.ballot(store, sid, TOKEN_A) == {"health": 10}


def test_one_ballot_per_participant_per_session_a_new_vote_replaces_it(store, session):
    sid = session.session_id
    other = sessions.create(store, "Another room", date(2026, 3, 15))
    for opened in (sid, other.session_id):
        room.open_voting(store, opened, "Asha")
    sessions.vote(store, sid, TOKEN_A, {"health": 6, "housing": 4}, set(DOMAINS))
    sessions.vote(store, sid, TOKEN_A, {"policing": 3, "housing": 7}, set(DOMAINS))  # changed
    sessions.vote(store, sid, TOKEN_B, {"health": 10}, set(DOMAINS))
    sessions.vote(store, other.session_id, TOKEN_A, {"health": 10}, set(DOMAINS))
    assert sessions.ballot(store, sid, TOKEN_A) == {"policing": 3, "housing": 7}
    assert sessions.ballot(store, sid, "c" * 32) == {}
    assert sessions.ballot_count(store, sid) == 2
    assert sessions.ballot_count(store, other.session_id) == 1
    assert rows(
        store, "select voter_token, casts from ballots where session_id = :s order by 1", s=sid
    ) == [(TOKEN_A, 2), (TOKEN_B, 1)]
    table = sessions.results(store, sid).set_index("domain")["dots"].to_dict()
    assert table == {"health": 10, "housing": 7, "policing": 3}


def test_copies_of_one_participants_vote_racing_leave_one_ballot(store, session):
    sid = session.session_id
    room.open_voting(store, sid, "Asha")
    copies = 8
    ballots = [{DOMAINS[n % 3]: 10 - n, DOMAINS[(n + 1) % 3]: n} for n in range(copies)]
    barrier = threading.Barrier(copies)
    errors: list[BaseException] = []

    def cast(dots):
        try:
            barrier.wait()
            sessions.vote(store, sid, TOKEN_A, {k: v for k, v in dots.items() if v}, set(DOMAINS))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=cast, args=(dots,)) for dots in ballots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    kept = sessions.ballot(store, sid, TOKEN_A)
    assert sum(kept.values()) == 10
    assert kept in [{k: v for k, v in b.items() if v} for b in ballots]  # one of them, whole
    assert rows(store, "select casts from ballots where session_id = :s", s=sid) == [(copies,)]


def test_results_are_private_until_the_facilitator_reveals_them(store, session):
    sid = session.session_id
    room.open_voting(store, sid, "Asha")
    sessions.vote(store, sid, TOKEN_A, {"health": 4, "housing": 6}, set(DOMAINS))
    assert sessions.revealed_results(store, sid) is None
    room.reveal_results(store, sid, "Asha")
    shown = sessions.revealed_results(store, sid)
    assert shown.set_index("domain")["dots"].to_dict() == {"housing": 6, "health": 4}
    room.hide_results(store, sid, "Asha")
    assert sessions.revealed_results(store, sid) is None


def test_the_rooms_result_becomes_a_scenario_only_after_voting_closes(store, session):
    sid = session.session_id
    room.open_voting(store, sid, "Asha")
    sessions.vote(store, sid, TOKEN_A, {"health": 6, "housing": 4}, set(DOMAINS))
    sessions.vote(store, sid, TOKEN_B, {"health": 2, "housing": 8}, set(DOMAINS))
    with pytest.raises(sessions.SessionError, match="close voting first"):
        sessions.save_room_scenario(store, session, "Room dots", DOMAINS, set(), "Asha")
    room.close_voting(store, sid, "Asha")
    with pytest.raises(room.RoomError, match="signed-in facilitator"):
        sessions.save_room_scenario(store, session, "Room dots", DOMAINS, set(), None)
    assert [s.name for s in workshop.list_scenarios(store)] == ["Equal weights"]
    saved = sessions.save_room_scenario(store, session, " Room  dots ", DOMAINS, set(), "Asha")
    # 20 dots: health 8 -> 4.0, housing 12 -> 6.0, policing none -> 0
    assert saved.domain_weights == {"health": 4.0, "housing": 6.0, "policing": 0.0}
    assert workshop.list_scenarios(store)[1] == saved
    latest = room.history(store, sid).iloc[0]
    assert (latest["action"], latest["facilitator"], latest["detail"]) == (
        "saved the room's result as a weighting scenario",
        "Asha",
        "Room dots",
    )


# --- moderation and undo ---------------------------------------------------------------------


def status_and_text(store, insight_id):
    return rows(
        store,
        "select status, text, moderated_at from insights where insight_id = :id",
        id=insight_id,
    )[0]


def log_of(store, insight_id):
    return rows(
        store,
        "select action, facilitator, action_number, previous_status from moderation_log "
        "where insight_id = :id order by action_number",
        id=insight_id,
    )


@pytest.mark.parametrize(
    ("action", "edited", "status"),
    [("approve", None, "approved"), ("reject", None, "rejected"), ("redact", "edited", "approved")],
)
def test_undo_restores_the_previous_state_and_logs_both(store, session, action, edited, status):
    original = "call Sam on 07700 900123 about the bus"
    saved = insights.save(store, note(session.session_id, original))
    stored = status_and_text(store, saved)
    number = insights.moderate(store, saved, action, "Asha", edited)
    assert status_and_text(store, saved)[:2] == (status, edited or stored[1])
    assert len(insights.approved_for_areas(store, ["E01000901"])) == (status == "approved")
    insights.undo(store, saved, "Ben", number)
    assert status_and_text(store, saved) == ("pending", stored[1], None)
    assert insights.approved_for_areas(store, ["E01000901"]).empty
    assert log_of(store, saved) == [(action, "Asha", 1, "pending"), ("undo", "Ben", 2, status)]
    assert insights.queue(store, session.session_id).notes["insight_id"].tolist() == [saved]


def test_only_the_latest_action_is_undone_and_only_once(store, session):
    saved = insights.save(store, note(session.session_id))
    first = insights.moderate(store, saved, "approve", "Asha")
    undone = insights.undo(store, saved, "Asha", first)
    with pytest.raises(InsightError, match="moderated again since"):
        insights.undo(store, saved, "Asha", first)
    with pytest.raises(InsightError, match="already undone"):
        insights.undo(store, saved, "Asha", undone)
    again = insights.moderate(store, saved, "reject", "Ben")
    assert again == 3
    with pytest.raises(InsightError, match="signed-in facilitator"):
        insights.undo(store, saved, None, again)
    assert status_and_text(store, saved)[0] == "rejected"


def test_a_note_is_moderated_once_and_only_by_a_facilitator(store, session):
    saved = insights.save(store, note(session.session_id))
    with pytest.raises(InsightError, match="signed-in facilitator"):
        insights.moderate(store, saved, "approve", "")
    insights.moderate(store, saved, "approve", "Asha")
    with pytest.raises(InsightError, match="already approved"):
        insights.moderate(store, saved, "reject", "Ben")
    assert [a for a, *_ in log_of(store, saved)] == ["approve"]


def test_two_facilitators_clicking_one_card_at_once_one_wins(store, session):
    saved = insights.save(store, note(session.session_id))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(action, who):
        barrier.wait()
        try:
            insights.moderate(store, saved, action, who)
            outcomes.append(action)
        except InsightError as error:
            outcomes.append(str(error))

    threads = [
        threading.Thread(target=click, args=("approve", "Asha")),
        threading.Thread(target=click, args=("reject", "Ben")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [o for o in outcomes if o in ("approve", "reject")]
    assert len(won) == 1, outcomes
    assert [a for a, *_ in log_of(store, saved)] == won


def test_recent_actions_say_which_can_be_undone(store, session):
    sid = session.session_id
    first, second = (insights.save(store, note(sid, f"note {n}")) for n in (1, 2))
    number = insights.moderate(store, first, "approve", "Asha")
    insights.moderate(store, second, "reject", "Ben")
    insights.undo(store, first, "Asha", number)
    recent = insights.recent_actions(store, sid)
    assert recent[["insight_id", "action", "facilitator", "undoable"]].values.tolist() == [
        [first, "undo", "Asha", False],
        [second, "reject", "Ben", True],
        [first, "approve", "Asha", False],
    ]
    assert insights.recent_actions(store, None)["insight_id"].tolist() == [first, second, first]


# --- the moderation queue ------------------------------------------------------------------


def seed_pending(store, session_id, count, start=0):
    """`count` pending notes in one transaction (the queue's size, not a save's speed, is
    what these tests are about)."""
    now = datetime.now(UTC)
    with workshop.connect(store) as con:
        con.execute(
            text(
                "insert into insights (client_token, session_id, area_code, domain, kind, text, "
                "status, submitted_at) values (:token, :s, 'E01000901', 'health', 'barrier', "
                ":text, 'pending', :now)"
            ),
            [
                {
                    "token": f"seed-{session_id}-{n}",
                    "s": session_id,
                    "text": f"note {n}",
                    "now": now,
                }
                for n in range(start, start + count)
            ],
        )


def test_the_queue_is_paged_oldest_first_per_session(store, session):
    sid = session.session_id
    other = sessions.create(store, "Another room", date(2026, 3, 15))
    seed_pending(store, sid, 25)
    seed_pending(store, other.session_id, 3)
    seed_pending(store, None, 2)
    first = insights.queue(store, sid)
    assert (first.pending, first.page, first.pages) == (25, 0, 3)
    assert first.notes["text"].tolist() == [f"note {n}" for n in range(10)]
    last = insights.queue(store, sid, page=2)
    assert last.notes["text"].tolist() == [f"note {n}" for n in range(20, 25)]
    assert insights.queue(store, sid, page=99).page == 2  # past the end: the last page
    assert insights.queue(store, sid, page=-3).page == 0
    assert insights.queue(store, None).pending == 30
    insights.moderate(store, int(first.notes["insight_id"].iloc[0]), "approve", "Asha")
    assert insights.counts(store, sid) == {"pending": 24, "approved": 1}
    assert insights.queue(store, sid).notes["text"].iloc[0] == "note 1"


def explain(store, sql, params):
    with workshop.connect(store, write=False) as con:
        if con.dialect.name == "sqlite":
            plan = con.execute(text(f"explain query plan {sql}"), params).all()
            return "\n".join(str(row[-1]) for row in plan)
        # Where an index can serve the query, the planner picks it once scans cost too much.
        con.execute(text("set local enable_seqscan = off"))
        return "\n".join(r[0] for r in con.execute(text(f"explain {sql}"), params))


def test_the_queue_and_console_queries_are_paged_and_use_their_indexes(store, session):
    sid = session.session_id
    # The room's 1,000 notes waiting, among a region's: other rooms', imported, decided.
    others = [sessions.create(store, f"Room {n}", date(2026, 3, 14)).session_id for n in (2, 3)]
    for n in range(0, 1000, 50):  # rooms running at once: their notes interleave
        for other in [sid, *others, None]:
            seed_pending(store, other, 50, start=n)
    with workshop.connect(store) as con:
        con.execute(text("update insights set status = 'approved' where session_id is null"))
    for insight_id in (5, 6, 1500):  # the room's 5th and 6th, another's
        insights.moderate(store, insight_id, "approve", "Asha")
    with workshop.connect(store) as con:
        if con.dialect.name == "postgresql":
            con.execute(text("analyze"))
    page = {"s": sid, "limit": insights.QUEUE_PAGE, "offset": insights.QUEUE_PAGE}
    expected = {
        ("session", "queue"): (insights.QUEUE_SQL["session"], page, "ix_insights_session"),
        # Most notes pending: PostgreSQL walks the primary key, in order, just as well.
        ("all", "queue"): (insights.QUEUE_SQL["all"], page, "ix_insights_status|insights_pkey"),
        ("session", "pending"): (insights.PENDING_SQL["session"], page, "ix_insights_session"),
        ("all", "pending"): (insights.PENDING_SQL["all"], page, "ix_insights_status"),
        ("session", "counts"): (insights.COUNTS_SQL["session"], page, "ix_insights_session"),
        ("session", "recent"): (
            insights.RECENT_SQL["session"],
            page,
            "ix_moderation_log_session",
        ),
        ("all", "recent"): (insights.RECENT_SQL["all"], page, "ix_moderation_log_acted_at"),
        ("note", "last action"): (insights.LAST_ACTION_SQL, {"id": 5}, "ix_moderation_log_action"),
        ("session", "ballots"): (sessions.BALLOTS_SQL, page, "votes"),
    }
    for name, (sql, params, index) in expected.items():
        plan = explain(store, sql, params)
        assert re.search(index, plan), (name, plan)
        if "limit" in sql:  # paged: read in index order, never sorted whole
            assert "TEMP B-TREE" not in plan, (name, plan)
            assert "Sort" not in plan, (name, plan)
        assert "Seq Scan" not in plan, (name, plan)
        # SQLite: SEARCH (an index range) or SCAN of an index in order; never of a table
        assert not re.search(r"^SCAN \w+$", plan, re.MULTILINE), (name, plan)
    assert "limit :limit" in insights.QUEUE_SQL["session"]
    assert len(insights.queue(store, sid, page=99).notes) <= insights.QUEUE_PAGE  # one page


def test_times_are_said_in_words_with_the_clock_time():
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 3, 14, 14, 30, tzinfo=UTC)
    said = [
        insights.when_in_words(now - ago, now, london)
        for ago in (timedelta(seconds=20), timedelta(minutes=4), timedelta(hours=2))
    ]
    assert said == ["just now, 14:29", "4 min ago, 14:26", "2 h ago, 12:30"]
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)
    assert insights.when_in_words(summer, summer + timedelta(days=3), london) == "1 Jul 2026, 10:05"
    # SQLite hands back UTC without a zone
    assert insights.when_in_words(summer.replace(tzinfo=None), summer, london) == "just now, 10:05"
