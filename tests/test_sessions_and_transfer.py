"""Sessions and dot-voting; importing notes, exporting, backup; durability when killed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import date

import pytest

from arp import insights, room, sessions, transfer, workshop

DOMAINS = ["health", "housing", "policing"]


@pytest.fixture
def path(store):
    return store


def test_sessions_and_their_join_link(path):
    created = sessions.create(path, "  Handsworth   listening event ", date(2026, 3, 14), "Library")
    assert created.title == "Handsworth listening event"
    assert sessions.listing(path) == [created]
    link = sessions.join_link("https://arp.example/", created.session_id)
    assert link == f"https://arp.example/join?session={created.session_id}"
    assert sessions.qr_png(link).startswith(b"\x89PNG")
    with pytest.raises(sessions.SessionError, match="title"):
        sessions.create(path, "  ", date(2026, 3, 14))


def test_street_tiles_are_off_for_a_session_until_a_facilitator_turns_them_on(path):
    first = sessions.create(path, "Room 1", date(2026, 3, 14))
    second = sessions.create(path, "Room 2", date(2026, 3, 14))
    assert sessions.street_tiles(path, first.session_id) is False  # offline by default
    sessions.set_street_tiles(path, first.session_id, True)
    assert sessions.street_tiles(path, first.session_id) is True
    assert sessions.street_tiles(path, second.session_id) is False  # per session
    sessions.set_street_tiles(path, first.session_id, False)
    assert sessions.street_tiles(path, first.session_id) is False
    assert sessions.street_tiles(path, None) is False  # no session in the link
    assert sessions.street_tiles(path, "no-such-session") is False
    with pytest.raises(sessions.SessionError, match="does not exist"):
        sessions.set_street_tiles(path, "no-such-session", True)


def test_dot_votes_become_a_weighting_scenario(path):
    session = sessions.create(path, "Room", date(2026, 3, 14))
    room.open_voting(path, session.session_id, "fac")
    sessions.vote(path, session.session_id, "a", {"health": 6, "housing": 4}, set(DOMAINS))
    sessions.vote(path, session.session_id, "b", {"health": 1, "housing": 9}, set(DOMAINS))
    sessions.vote(
        path, session.session_id, "b", {"health": 2, "housing": 8}, set(DOMAINS)
    )  # changed
    table = sessions.results(path, session.session_id).set_index("domain")
    assert table["dots"].to_dict() == {"housing": 12, "health": 8}
    assert table["voters"].max() == 2
    scenario = sessions.as_scenario(path, session, "Room dots", DOMAINS)
    # shares of 20 dots x 10: health 8 -> 4.0, housing 12 -> 6.0, policing none -> 0
    assert scenario.domain_weights == {"health": 4.0, "housing": 6.0, "policing": 0.0}
    workshop.save_scenario(path, workshop.validate(scenario, set(DOMAINS), set()))
    assert workshop.list_scenarios(path)[1].name == "Room dots"


@pytest.mark.parametrize(
    ("dots", "message"),
    [
        ({"health": 9}, "place all 10 dots: you have placed 9"),
        ({"health": 11}, "placed 11"),
        ({"wealth": 10}, "unknown domain"),
        ({"health": -1, "housing": 11}, "whole numbers"),
    ],
)
def test_bad_votes_are_refused(path, dots, message):
    session = sessions.create(path, "Room", date(2026, 3, 14))
    room.open_voting(path, session.session_id, "fac")
    with pytest.raises(sessions.SessionError, match=message):
        sessions.vote(path, session.session_id, "a", dots, set(DOMAINS))


def test_a_vote_for_an_unknown_session_is_refused(path):
    sessions.create(path, "Room", date(2026, 3, 14))
    with pytest.raises(sessions.SessionError, match="does not exist"):
        sessions.vote(path, "nope", "a", {"health": 10}, set(DOMAINS))


AREAS = {"E01000901", "E01000904"}
POSTCODES = {"B11AA": "E01000901"}


def check(content: bytes, existing=frozenset()):
    return transfer.check_import(
        content, POSTCODES, set(DOMAINS), set(), AREAS, set(), set(existing)
    )


def test_import_resolves_postcodes_and_saves_all(path):
    result = check(
        b"place,domain,kind,text\nB1 1AA,health,barrier,No interpreter\n"
        b"E01000904,housing,asset,Good tenants' group\n"
    )
    assert result.errors == []
    assert [r.area_code for r in result.rows] == ["E01000901", "E01000904"]
    assert transfer.import_all(path, result) == 2
    assert len(insights.listing(path, "pending")) == 2


def test_a_bad_import_is_refused_whole_with_row_errors(path):
    result = check(
        b"place,domain,kind,text\nB1 1AA,health,barrier,fine\n"
        b"ZZ9 9ZZ,health,barrier,nowhere\nE01000901,wealth,barrier,bad domain\n"
        b"B1 1AA,health,barrier,fine\n"
    )
    assert result.errors == [
        "row 3: choose a place on the map, by name or by postcode",
        "row 4: choose what your note is about",
        "row 5: the same note for the same place appears twice",
    ]
    with pytest.raises(insights.InsightError, match="nothing was saved"):
        transfer.import_all(path, result)
    assert insights.listing(path, "pending").empty


def test_import_detects_notes_already_saved_and_bad_files(path):
    first = check(b"place,domain,kind,text\nB1 1AA,health,barrier,Same note\n")
    transfer.import_all(path, first)
    again = check(
        b"place,domain,kind,text\nB1 1AA,health,barrier,same   NOTE\n", transfer.saved_keys(path)
    )
    assert again.errors == ["row 2: this note is already saved"]
    assert check(b"where,what\nx,y\n").errors == ["missing column(s): place, domain, kind, text"]
    assert "not a readable UTF-8 CSV" in check("place\n\xff".encode("latin-1")).errors[0]


def test_exports_hold_only_approved_insights_and_the_backup_opens(path, tmp_path):
    kept = insights.save(path, insights.Insight("E01000901", "health", "barrier", "kept <b>", True))
    insights.save(path, insights.Insight("E01000901", "health", "barrier", "pending one", True))
    insights.moderate(path, kept, "approve", "fac")
    csv_bytes, json_bytes = transfer.export_approved(path)
    assert b"kept <b>" in csv_bytes
    assert b"pending one" not in csv_bytes + json_bytes
    assert b"client_token" not in csv_bytes
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(transfer.backup(path))
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as con:
        assert con.execute("select count(*) from insights").fetchone()[0] == 2
        assert con.execute("select count(*) from moderation_log").fetchone()[0] == 1


def test_an_exported_note_that_looks_like_a_formula_opens_as_text(path):
    note = insights.save(
        path, insights.Insight("E01000901", "health", "barrier", '=HYPERLINK("http://x","y")', True)
    )
    insights.moderate(path, note, "approve", "fac")
    csv_bytes, _ = transfer.export_approved(path)
    assert "'=HYPERLINK(" in csv_bytes.decode()
    assert ',"=HYPERLINK(' not in csv_bytes.decode()


def test_killing_the_process_during_writes_loses_no_committed_insight(path):
    writer = textwrap.dedent(f"""
        import sys
        from arp import insights
        path = {str(path)!r}
        for n in range(10_000):
            saved = insights.save(path, insights.Insight("E01000901", "health", "barrier",
                                                         f"note {{n}}", True))
            print(saved, flush=True)
    """)
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    committed = [int(process.stdout.readline()) for _ in range(40)]
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = set(insights.listing(path, "pending")["insight_id"])
    assert set(committed) <= stored
