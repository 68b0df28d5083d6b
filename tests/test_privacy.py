"""Privacy that holds, on SQLite and PostgreSQL: retention per session, the purge (with an
injected clock), when it runs, a facilitator deleting a session's data, and backups and
exports that never hold a purged original."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arp import cli, insights, privacy, sessions, transfer, workshop
from arp import room as roomstate
from arp.insights import Insight

DOMAINS = {"health", "housing"}
TODAY = datetime.now(UTC).date()


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def save(store, words: str, session: str | None = None) -> int:
    return insights.save(
        store, Insight("E01000901", "health", "barrier", words, True, session_id=session)
    )


def written_on(store, insight_id: int, day: date) -> None:
    """As if the note had been written on `day`."""
    with workshop.connect(store) as con:
        con.execute(
            text("update insights set submitted_at = :when where insight_id = :id"),
            {"when": at(day), "id": insight_id},
        )


def retention_began(store, day: date) -> None:
    """As if this store had kept retention since `day` (migration 5 applied then)."""
    with workshop.connect(store) as con:
        con.execute(
            text("update schema_migrations set applied_at = :when where version = 5"),
            {"when": at(day).replace(tzinfo=None)},
        )


def texts(store) -> dict[int, tuple[str, str]]:
    with workshop.connect(store, write=False) as con:
        rows = con.execute(text("select insight_id, status, text from insights")).all()
    return {int(i): (status, words) for i, status, words in rows}


def originals(store) -> list[tuple[int, str | None, bool]]:
    with workshop.connect(store, write=False) as con:
        rows = con.execute(
            text(
                "select insight_id, previous_text, original_purged_at from moderation_log "
                "where action = 'redact' order by insight_id"
            )
        ).all()
    return [(int(i), previous, purged is not None) for i, previous, purged in rows]


@pytest.mark.parametrize(
    ("held_on", "written", "days", "counted_from", "last_day"),
    [
        (date(2026, 3, 14), date(2026, 3, 14), 30, None, date(2026, 4, 13)),
        (date(2026, 3, 14), date(2026, 3, 20), 30, None, date(2026, 4, 19)),  # written later
        (None, date(2026, 3, 20), 30, None, date(2026, 4, 19)),  # no session
        (date(2026, 3, 14), date(2026, 3, 14), 7, date(2026, 12, 1), date(2026, 12, 8)),
    ],
)
def test_retention_ends_days_after_the_session_or_the_note_whichever_is_later(
    held_on, written, days, counted_from, last_day
):
    assert privacy.retention_ends(held_on, written, days, counted_from) == last_day


@pytest.mark.parametrize("days", [0, 366, -1, "30", 2.5, True, None])
def test_a_retention_period_out_of_range_is_refused(days):
    with pytest.raises(privacy.PrivacyError):
        privacy.check_retention_days(days)


def test_a_session_has_a_retention_period_that_can_be_changed(store):
    default = sessions.create(store, "Room 1", TODAY)
    short = sessions.create(store, "Room 2", TODAY, retention_days=14)
    assert (default.retention_days, short.retention_days) == (30, 14)
    assert {s.title: s.retention_days for s in sessions.listing(store)} == {
        "Room 1": 30,
        "Room 2": 14,
    }
    sessions.set_retention(store, short.session_id, 7)
    assert {s.title: s.retention_days for s in sessions.listing(store)}["Room 2"] == 7
    with pytest.raises(sessions.SessionError, match="1 to 365 days"):
        sessions.create(store, "Room 3", TODAY, retention_days=0)
    with pytest.raises(sessions.SessionError, match="1 to 365 days"):
        sessions.set_retention(store, short.session_id, 400)
    with pytest.raises(sessions.SessionError, match="does not exist"):
        sessions.set_retention(store, "nope", 10)


def test_at_the_end_of_retention_unapproved_notes_and_originals_go(store):
    room = sessions.create(store, "Room", TODAY - timedelta(days=5))
    long = sessions.create(store, "Long", TODAY - timedelta(days=5), retention_days=60)
    kept = save(store, "The lift has been broken for a month", room.session_id)
    edited = save(store, "Sam Okonkwo-Reyes says the lift is broken", room.session_id)
    rejected = save(store, "rejected Zanzibar note", room.session_id)
    pending = save(store, "pending Quasar note", room.session_id)
    no_session = save(store, "pending without a session")
    long_pending = save(store, "pending in the long session", long.session_id)
    insights.moderate(store, kept, "approve", "Amira")
    insights.moderate(store, edited, "redact", "Amira", redacted_text="The lift is broken")
    insights.moderate(store, rejected, "reject", "Amira")

    last_day = TODAY + timedelta(days=30)  # written today: 30 days after today
    assert privacy.purge_expired(store, now=at(last_day, 23)) == privacy.Purged()
    assert len(texts(store)) == 6

    purged = privacy.purge_expired(store, now=at(last_day + timedelta(days=1), 0))
    assert purged == privacy.Purged(originals=1, pending=2, rejected=1, log_lines=1)
    assert texts(store) == {
        kept: ("approved", "The lift has been broken for a month"),
        edited: ("approved", "The lift is broken"),
        long_pending: ("pending", "pending in the long session"),
    }
    assert originals(store) == [(edited, None, True)]  # the action stays, its original goes
    assert {pending, no_session, rejected}.isdisjoint(texts(store))
    (entry,) = privacy.privacy_log(store)
    assert (entry["action"], entry["actor"]) == ("retention purge", privacy.AUTOMATIC)
    assert entry["detail"] == {"originals": 1, "pending": 2, "rejected": 1, "log_lines": 1}

    # Again: nothing more to do, and nothing logged.
    assert not privacy.purge_expired(store, now=at(last_day + timedelta(days=2))).anything
    assert len(privacy.privacy_log(store)) == 1
    # The long session's note goes when its own 60 days end.
    assert privacy.purge_expired(store, now=at(TODAY + timedelta(days=61))).pending == 1
    assert set(texts(store)) == {kept, edited}


def test_a_session_long_past_counts_from_its_own_date(store):
    retention_began(store, date(2025, 1, 1))
    room = sessions.create(store, "January", date(2026, 1, 10), retention_days=30)
    note = save(store, "pending since January", room.session_id)
    written_on(store, note, date(2026, 1, 10))
    assert not privacy.purge_expired(store, now=at(date(2026, 2, 9), 23)).anything
    assert privacy.purge_expired(store, now=at(date(2026, 2, 10), 0)).pending == 1


def test_upgrading_gives_notes_already_stored_a_full_period_before_any_is_deleted(store):
    # Retention began today (this version's first open), with notes from January in the store.
    room = sessions.create(store, "January", date(2026, 1, 10))
    note = save(store, "pending since January", room.session_id)
    written_on(store, note, date(2026, 1, 10))
    assert not privacy.purge_expired(store, now=at(TODAY)).anything
    assert not privacy.purge_expired(store, now=at(TODAY + timedelta(days=30))).anything
    assert privacy.purge_expired(store, now=at(TODAY + timedelta(days=31))).pending == 1


def test_a_shorter_retention_applies_at_the_next_purge(store):
    room = sessions.create(store, "Room", TODAY)
    save(store, "pending", room.session_id)
    soon = at(TODAY + timedelta(days=3))
    assert not privacy.purge_expired(store, now=soon).anything
    sessions.set_retention(store, room.session_id, 1)
    assert privacy.purge_expired(store, now=soon).pending == 1


def test_the_purge_runs_on_each_moderation_and_when_a_process_opens_the_store(store, monkeypatch):
    short = sessions.create(store, "Short", TODAY, retention_days=1)
    long = sessions.create(store, "Long", TODAY, retention_days=60)
    first = save(store, "short-lived", short.session_id)
    to_approve = save(store, "approve me", long.session_id)
    monkeypatch.setattr(privacy, "utc_now", lambda: at(TODAY + timedelta(days=3)))
    insights.moderate(store, to_approve, "approve", "Amira")  # a moderation action purges first
    assert first not in texts(store)

    second = save(store, "short-lived too", short.session_id)
    workshop.dispose_all()  # a new process (a restart, a replica) opening the store
    assert second not in set(insights.listing(store, "pending")["insight_id"])

    third = save(store, "and another", short.session_id)
    assert third in texts(store)  # within the hour: no purge on every connection
    monkeypatch.setattr(workshop, "PURGE_EVERY_S", 0.0)  # an hour has passed
    assert third not in set(insights.listing(store, "pending")["insight_id"])


def test_a_facilitator_deletes_a_sessions_data_and_it_is_logged(store):
    room = sessions.create(store, "Handsworth, 14 March", date(2026, 3, 14))
    other = sessions.create(store, "Ladywood", date(2026, 3, 15))
    notes = [save(store, f"note {n}", room.session_id) for n in range(4)]
    insights.moderate(store, notes[0], "approve", "Amira")
    insights.moderate(store, notes[1], "redact", "Amira", redacted_text="note one")
    insights.moderate(store, notes[2], "reject", "Amira")
    kept = save(store, "the other room's note", other.session_id)
    for session in (room, other):
        roomstate.open_voting(store, session.session_id, "Amira")
    for voter in ("a", "b"):
        for session in (room, other):
            sessions.vote(store, session.session_id, voter, {"health": 10}, DOMAINS)

    with pytest.raises(privacy.PrivacyError, match="signed-in facilitator"):
        privacy.delete_session_data(store, room.session_id, None)
    with pytest.raises(privacy.PrivacyError, match="no session"):
        privacy.delete_session_data(store, "nope", "Amira")
    counts = privacy.delete_session_data(store, room.session_id, "Amira")
    assert counts == {
        "moderation_log": 3,
        "insights": 4,
        "votes": 2,
        "ballots": 2,
        "session_log": 1,
        "session_states": 1,
        "sessions": 1,
    }
    assert set(texts(store)) == {kept}
    assert [s.title for s in sessions.listing(store)] == ["Ladywood"]
    assert sessions.results(store, room.session_id).empty
    assert sessions.results(store, other.session_id)["voters"].tolist() == [2]
    (entry,) = privacy.privacy_log(store)
    assert (entry["action"], entry["actor"], entry["session_id"]) == (
        "deleted session data",
        "Amira",
        room.session_id,
    )
    assert entry["detail"] == {
        "deleted": counts,
        "title": "Handsworth, 14 March",
        "held_on": "2026-03-14",
    }


def test_a_participants_note_is_deleted_when_they_ask(store):
    mine = save(store, "my note")
    theirs = save(store, "their note")
    insights.moderate(store, mine, "approve", "Amira")
    assert privacy.delete_notes(store, [mine], "Amira") == 1
    assert set(texts(store)) == {theirs}
    assert privacy.privacy_log(store)[0]["detail"] == {"insights": 1, "moderation_log": 1}


ORIGINAL = "Mrs Adaeze Okonkwo-Reyes, the lady in the blue door flat, shouts at us"
REDACTED = "A neighbour shouts at us"
REJECTED = "Rejected: Tobias Quarrington-Vale is a liar"


def every_output(store) -> dict[str, bytes]:
    csv_bytes, json_bytes = transfer.export_approved(store)
    return {
        "approved CSV": csv_bytes,
        "approved JSON": json_bytes,
        "votes CSV": transfer.export_votes(store),
        "backup": transfer.backup(store),
    }


def holds(content: bytes, words: str) -> bool:
    """Any trace of the words: as UTF-8, as UTF-16 (either order), or a distinctive part."""
    part = words.split()[2]  # a surname nobody else shares
    return any(
        needle.encode(encoding) in content
        for needle in (words, part)
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )


def test_no_export_or_backup_holds_a_purged_original(store):
    room = sessions.create(store, "Room", TODAY)
    edited = save(store, ORIGINAL, room.session_id)
    rejected = save(store, REJECTED, room.session_id)
    insights.moderate(store, edited, "redact", "Amira", redacted_text=REDACTED)
    insights.moderate(store, rejected, "reject", "Amira")
    roomstate.open_voting(store, room.session_id, "Amira")
    sessions.vote(store, room.session_id, "a", {"health": 10}, DOMAINS)
    before = every_output(store)
    # Within retention the store keeps the original for the facilitators; a backup never
    # does (it outlives retention), nor a rejected note; exports hold approved text only.
    assert originals(store) == [(edited, ORIGINAL, False)]
    assert all(REDACTED.encode() in before[name] for name in ("approved CSV", "backup"))
    for name, content in before.items():
        assert not holds(content, ORIGINAL), name
        assert not holds(content, REJECTED), name

    assert privacy.purge_expired(store, now=at(TODAY + timedelta(days=31))).originals == 1
    after = every_output(store)
    for name, content in after.items():
        assert not holds(content, ORIGINAL), name
        assert not holds(content, REJECTED), name
    assert REDACTED.encode() in after["backup"]
    if not workshop.is_url(store):
        # The SQLite store's own files, while the app still holds them open and after: the
        # text is overwritten (secure_delete), and not left in the write-ahead log either.
        for still_open in (True, False):
            if not still_open:
                workshop.dispose_all()
            for file in (Path(store), Path(f"{store}-wal")):
                if file.exists():
                    assert not holds(file.read_bytes(), ORIGINAL), (file.name, still_open)
                    assert not holds(file.read_bytes(), REJECTED), (file.name, still_open)
        assert REDACTED.encode() in Path(store).read_bytes()


def test_the_backup_has_a_manifest_of_what_it_holds_and_leaves_out(store, tmp_path):
    room = sessions.create(store, "Room", date(2026, 3, 14), retention_days=21)
    approved, edited, rejected = (save(store, f"note {n}", room.session_id) for n in range(3))
    save(store, "still pending", room.session_id)
    insights.moderate(store, approved, "approve", "Amira")
    insights.moderate(store, edited, "redact", "Amira", redacted_text="note one, edited")
    insights.moderate(store, rejected, "reject", "Amira")
    roomstate.open_voting(store, room.session_id, "Amira")
    sessions.vote(store, room.session_id, "a", {"health": 6, "housing": 4}, DOMAINS)

    content, manifest = transfer.backup_with_manifest(store)
    assert transfer.read_manifest(content) == manifest
    assert manifest["notes_by_status"] == {"approved": 2, "pending": 1}
    assert manifest["rows"] == {
        "scenarios": 0,
        "sessions": 1,
        "insights": 3,
        "moderation_log": 2,
        "votes": 2,
        "privacy_log": 0,
        "session_states": 1,  # voting opened
        "session_log": 1,
        "ballots": 1,
        "facilitator_log": 1,  # the session's creation (who changed what; never note text)
        "framework_versions": 0,  # none saved yet (version 1 is written when first read)
        "insight_themes": 0,
    }
    assert manifest["excluded"] == {
        "rejected notes": 1,
        "moderation log lines of rejected notes": 1,
        "original wordings of redacted notes": 1,
    }
    assert manifest["never_included"] == list(transfer.BACKUP_EXCLUDES)
    assert manifest["sessions"] == [
        {
            "session_id": room.session_id,
            "title": "Room",
            "held_on": "2026-03-14",
            "retention_days": 21,
            "unapproved_notes_kept_until": "2026-04-04",
        }
    ]
    assert datetime.fromisoformat(manifest["made_at"]).date() == TODAY
    assert manifest["from"] == ("postgresql" if workshop.is_url(store) else "sqlite")
    # The file holds exactly what the manifest says.
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(content)
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as con:
        for table, rows in manifest["rows"].items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows, table
        assert con.execute("select count(*) from moderation_log where previous_text is not null").fetchone()[0] == 0  # fmt: skip
    said = transfer.describe_manifest(manifest)
    assert "notes 2 approved, 1 pending" in said
    assert "Left out: 1 rejected note(s) and 1 original wording(s)" in said


def test_the_command_line_purges_lists_and_deletes(store, capsys):
    retention_began(store, date(2025, 1, 1))
    old = sessions.create(store, "Old room", date(2026, 1, 10), retention_days=30)
    note = save(store, "pending since January", old.session_id)
    written_on(store, note, date(2026, 1, 10))
    workshop.dispose_all()  # the command is another process: it purges as it opens the store
    store_arg = ["--store", str(store)]
    assert cli.main(["workshop", "sessions", *store_arg]) == 0
    assert f"{old.session_id}\t2026-01-10\tOld room\tkept 30 days" in capsys.readouterr().out
    assert note not in texts(store)
    later = save(store, "pending since January too", old.session_id)
    written_on(store, later, date(2026, 1, 10))
    assert cli.main(["workshop", "purge", *store_arg]) == 0
    assert "1 pending note" in capsys.readouterr().out
    session_arg = f"--session={old.session_id}"  # an id may begin with "-"
    assert cli.main(["workshop", "delete-session", session_arg, *store_arg]) == 1
    assert "add --yes" in capsys.readouterr().err
    assert cli.main(["workshop", "delete-session", session_arg, "--yes", *store_arg]) == 0
    assert sessions.listing(store) == []
    assert privacy.privacy_log(store)[0]["actor"].startswith("command line (")
    assert cli.main(["workshop", "delete-session", "--session=nope", "--yes", *store_arg]) == 1


def test_an_imported_note_is_keyed_on_its_redacted_text(store):
    csv = b"place,domain,kind,text\nE01000901,health,barrier,Ring Jo on 07700 900123\n"

    def check():
        return transfer.check_import(
            csv, {}, DOMAINS, set(), {"E01000901"}, set(), transfer.saved_keys(store)
        )

    first = check()
    (row,) = first.rows
    assert row.text == "Ring Jo on [phone number removed]"
    # Its token is a hash of what is stored, never of the number redaction removed.
    stored_key = ("E01000901", "ring jo on [phone number removed]")
    assert row.client_token == hashlib.sha256(f"{stored_key}".encode()).hexdigest()
    transfer.import_all(store, first)
    assert check().errors == ["row 2: this note is already saved"]  # found, though redacted
