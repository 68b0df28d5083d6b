"""Privacy that holds: how long the workshop store keeps what participants wrote, the purge
that enforces it, a facilitator deleting a session's data, and the words of the privacy
notice.

Retention, per session (`sessions.retention_days`, default 30, chosen when the session is
created and changeable after): a note's retention ends `retention_days` after the later of
the session's date and the day the note was written. A note with no session (imported
sticky notes, the capture page opened without a join link) counts from the day it was
written, with the default period. On a store that had notes before retention existed, the
count starts no earlier than the day this version first opened it (migration 5), so an
upgrade never deletes a note the day it is installed.

When a note's retention has ended:
- a pending note (nobody approved it in time) is deleted, with its log lines;
- a rejected note is deleted, with its log lines;
- an approved note stays (it is the anonymous, moderated evidence participants agreed to
  share); if a facilitator redacted it, the original wording is purged from the moderation
  log, which keeps the action, who took it and when, and says when the original went.

The purge runs wherever the store is used, with no cron: on a process's first connection to
the store and hourly after that (arp.workshop.connect), before each moderation action and
each backup, and with `arp workshop purge`. Every purge and deletion is logged in
`privacy_log`, as counts and who acted, never as text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection

from arp import i18n, workshop
from arp.workshop import Store

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30  # the same default as migration 5 gives existing sessions
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 365
AUTOMATIC = "retention schedule"  # the actor of a purge nobody asked for
RETENTION_MIGRATION = 5
_CHUNK = 500  # ids per statement, well under any database's limit on bound parameters


class PrivacyError(ValueError):
    """A retention period or a deletion was refused; the message says why."""


def utc_now() -> datetime:
    """The clock the purge reads when it is not given one (tests pass `now=`)."""
    return datetime.now(UTC)


def check_retention_days(days: object) -> int:
    """A retention period in whole days, within the range a facilitator may choose."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise PrivacyError("the retention period is a whole number of days")
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise PrivacyError(
            f"keep notes for {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days after the session"
        )
    return days


def retention_ends(
    held_on: date | None, written_on: date, days: int, counted_from: date | None = None
) -> date:
    """The last day a note's unapproved text, or its original wording, is kept."""
    start = max(d for d in (held_on, written_on, counted_from) if d is not None)
    return start + timedelta(days=days)


@dataclass(frozen=True)
class Purged:
    """What one purge removed."""

    originals: int = 0  # original wording of redacted notes, blanked in the moderation log
    pending: int = 0  # notes never approved, deleted
    rejected: int = 0  # rejected notes, deleted
    log_lines: int = 0  # moderation log lines of the deleted notes

    @property
    def anything(self) -> bool:
        return any(asdict(self).values())

    def describe(self) -> str:
        if not self.anything:
            return "Nothing had reached the end of its retention period."
        parts = [
            (self.originals, "original wording of a redacted note", "original wordings"),
            (self.pending, "pending note", "pending notes"),
            (self.rejected, "rejected note", "rejected notes"),
            (self.log_lines, "moderation log line", "moderation log lines"),
        ]
        said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return f"Past their retention period, deleted: {', '.join(said)}."


def _utc_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored as UTC
    return aware.astimezone(UTC).date()


def _counted_from(con: Connection) -> date | None:
    """The day this store began keeping retention (migration 5 applied), as a UTC date."""
    applied = con.execute(
        text("select applied_at from schema_migrations where version = :v").columns(
            applied_at=sa.DateTime()
        ),
        {"v": RETENTION_MIGRATION},
    ).scalar_one_or_none()
    return None if applied is None else _utc_day(applied)


def _sessions(con: Connection) -> dict[str, tuple[date, int]]:
    rows = con.execute(
        text("select session_id, held_on, retention_days from sessions").columns(held_on=sa.Date)
    )
    return {session_id: (held_on, int(days)) for session_id, held_on, days in rows}


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _execute_in(con: Connection, sql: str, ids: Iterable[int], **params: object) -> int:
    """Run `sql` (with `:ids`) for every chunk of ids; the rows it touched."""
    statement = text(sql).bindparams(sa.bindparam("ids", expanding=True))
    touched = 0
    for chunk in _chunks(sorted(set(ids))):
        touched += con.execute(statement, {"ids": chunk, **params}).rowcount
    return touched


CANDIDATES_SQL = """select i.insight_id, i.session_id, i.status, i.submitted_at,
       exists (select 1 from moderation_log m
               where m.insight_id = i.insight_id and m.previous_text is not null) as original
from insights i
where i.submitted_at < :written_before"""


def expired(store: Store, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Notes whose retention has ended: (pending or rejected ones, to delete; approved ones
    whose original wording is still in the moderation log, to purge)."""
    today = _utc_day(now or utc_now())
    if not workshop.exists(store):
        return [], []
    with workshop.connect(store, write=False) as con:
        counted_from = _counted_from(con)
        sessions = _sessions(con)
        shortest = min([DEFAULT_RETENTION_DAYS, *(days for _, days in sessions.values())])
        latest_start = today - timedelta(days=shortest)  # ended notes started before this
        if counted_from is not None and counted_from >= latest_start:
            return [], []  # retention began too recently for anything to have ended
        # A wide first cut in SQL (a day's margin for how timestamps compare as text on
        # SQLite), then the exact rule per note.
        written_before = datetime.combine(latest_start + timedelta(days=1), time(), UTC)
        rows = con.execute(
            text(CANDIDATES_SQL)
            .bindparams(sa.bindparam("written_before", type_=sa.DateTime(timezone=True)))
            .columns(submitted_at=sa.DateTime(timezone=True)),
            {"written_before": written_before},
        ).all()
    to_delete, to_purge = [], []
    for insight_id, session_id, status, submitted_at, original in rows:
        held_on, days = sessions.get(session_id, (None, DEFAULT_RETENTION_DAYS))
        if today <= retention_ends(held_on, _utc_day(submitted_at), days, counted_from):
            continue
        if status in ("pending", "rejected"):
            to_delete.append(int(insight_id))
        elif original:
            to_purge.append(int(insight_id))
    return to_delete, to_purge


def purge_expired(store: Store, now: datetime | None = None, actor: str = AUTOMATIC) -> Purged:
    """Delete or purge what has reached the end of its retention period (see the module's
    docstring); what was removed. Safe to run at any time, from any number of processes."""
    now = now or utc_now()
    to_delete, to_purge = expired(store, now)
    if not to_delete and not to_purge:
        return Purged()
    with workshop.connect(store) as con:
        # Re-checked under the write lock: a note approved since the read above is kept.
        still = text(
            "select insight_id, status from insights where insight_id in :ids "
            "and status in ('pending', 'rejected')"
        ).bindparams(sa.bindparam("ids", expanding=True))
        status_of = {
            int(row[0]): row[1]
            for chunk in _chunks(to_delete)
            for row in con.execute(still, {"ids": chunk})
        }
        deleting = list(status_of)
        originals = _execute_in(
            con,
            "update moderation_log set previous_text = null, original_purged_at = :now "
            "where insight_id in :ids and previous_text is not null",
            to_purge,
            now=now,
        )
        # The submission token of an imported note is a hash of its text: a fresh one, so
        # nothing derived from the original wording outlives it.
        for insight_id in to_purge:
            con.execute(
                text("update insights set client_token = :token where insight_id = :id"),
                {"token": f"purged-{insight_id}-{now.timestamp():.0f}", "id": insight_id},
            )
        log_lines = _execute_in(
            con, "delete from moderation_log where insight_id in :ids", deleting
        )
        _execute_in(con, "delete from insights where insight_id in :ids", deleting)
        purged = Purged(
            originals=originals,
            pending=list(status_of.values()).count("pending"),
            rejected=list(status_of.values()).count("rejected"),
            log_lines=log_lines,
        )
        if purged.anything:
            _log(con, now, "retention purge", actor, None, asdict(purged))
    _fold_wal(store)
    log.info("Workshop store retention: %s", purged.describe())
    return purged


def _log(
    con: Connection,
    now: datetime,
    action: str,
    actor: str,
    session_id: str | None,
    detail: dict[str, object],
) -> None:
    con.execute(
        text(
            "insert into privacy_log (acted_at, action, actor, session_id, detail) "
            "values (:now, :action, :actor, :session, :detail)"
        ),
        {
            "now": now,
            "action": action,
            "actor": actor[:200],
            "session": session_id,
            "detail": json.dumps(detail, default=str, sort_keys=True),
        },
    )


def _fold_wal(store: Store) -> None:
    """On SQLite, fold the write-ahead log into the file and empty it, so the pages that held
    deleted text (overwritten in the file: secure_delete) are not left in the log either.
    A reader mid-transaction can hold it back; the next purge or checkpoint finishes it."""
    target = workshop.resolve(store)
    if isinstance(target, str):
        return  # PostgreSQL: see the README on vacuum
    raw = workshop.engine(store).raw_connection()
    try:
        cursor = raw.cursor()  # autocommit (arp.workshop): a checkpoint cannot run in a transaction
        cursor.execute("pragma wal_checkpoint(truncate)")
        cursor.close()
    finally:
        raw.close()


# --- a facilitator deletes a session's data --------------------------------------------


def delete_session_data(
    store: Store, session_id: str, facilitator: str | None, now: datetime | None = None
) -> dict[str, int]:
    """Delete a session and everything of it: its notes (any status), their moderation log
    lines and its votes (and, by their foreign keys, anything else kept per session). The
    privacy log keeps a line: who, when, the session's title and date, and the counts."""
    actor = " ".join((facilitator or "").split())
    if not actor:
        raise PrivacyError("only a signed-in facilitator can delete a session's data")
    now = now or utc_now()
    with workshop.connect(store) as con:
        session = con.execute(
            text("select title, held_on from sessions where session_id = :s").columns(
                held_on=sa.Date
            ),
            {"s": session_id},
        ).first()
        notes = [
            int(row[0])
            for row in con.execute(
                text("select insight_id from insights where session_id = :s"), {"s": session_id}
            )
        ]
        if session is None and not notes:
            raise PrivacyError(f"there is no session {session_id!r}")
        counts = {
            "moderation_log": _execute_in(
                con, "delete from moderation_log where insight_id in :ids", notes
            ),
            "insights": _execute_in(con, "delete from insights where insight_id in :ids", notes),
            "votes": con.execute(
                text("delete from votes where session_id = :s"), {"s": session_id}
            ).rowcount,
            # The room console's rows (migration 7) go too: who voted, and the room's log.
            **{
                table: con.execute(
                    text(f"delete from {table} where session_id = :s"), {"s": session_id}
                ).rowcount
                for table in ("ballots", "session_log", "session_states")
            },
            "sessions": con.execute(
                text("delete from sessions where session_id = :s"), {"s": session_id}
            ).rowcount,
        }
        detail: dict[str, object] = {"deleted": counts}
        if session is not None:
            detail.update(title=session.title, held_on=session.held_on.isoformat())
        _log(con, now, "deleted session data", actor, session_id, detail)
    _fold_wal(store)
    log.info("%s deleted the data of workshop session %s: %s", actor, session_id, counts)
    return counts


def delete_notes(
    store: Store, insight_ids: list[int], facilitator: str | None, now: datetime | None = None
) -> int:
    """Delete notes, whatever their status, with their moderation log lines: what a
    participant asks for when they want their note removed. How many were deleted."""
    actor = " ".join((facilitator or "").split())
    if not actor:
        raise PrivacyError("only a signed-in facilitator can delete notes")
    now = now or utc_now()
    with workshop.connect(store) as con:
        log_lines = _execute_in(
            con, "delete from moderation_log where insight_id in :ids", insight_ids
        )
        deleted = _execute_in(con, "delete from insights where insight_id in :ids", insight_ids)
        if deleted:
            _log(
                con,
                now,
                "deleted notes",
                actor,
                None,
                {"insights": deleted, "moderation_log": log_lines},
            )
    _fold_wal(store)
    return deleted


def privacy_log(store: Store) -> list[dict[str, object]]:
    """The privacy log, newest first: when, what, who, which session, and the counts."""
    if not workshop.exists(store):
        return []
    with workshop.connect(store, write=False) as con:
        rows = con.execute(
            text(
                "select acted_at, action, actor, session_id, detail from privacy_log "
                "order by entry_id desc"
            ).columns(acted_at=sa.DateTime(timezone=True))
        ).all()
    return [
        {
            "acted_at": acted_at,
            "action": action,
            "actor": actor,
            "session_id": session_id,
            "detail": json.loads(detail),
        }
        for acted_at, action, actor, session_id, detail in rows
    ]


# --- the privacy notice --------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSection:
    heading: str
    paragraphs: tuple[str, ...]


def notice(
    contact: str | None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    session_title: str | None = None,
    session_held_on: date | None = None,
    words: i18n.Translator = i18n.ENGLISH,
) -> list[NoticeSection]:
    """The privacy notice participants read, in plain words and in their language (`words`);
    `contact` is the organisation's (ARP_PRIVACY_CONTACT), and a session's title and date
    make "how long" exact."""
    _ = words.gettext
    if session_title and session_held_on:
        until = session_held_on + timedelta(days=retention_days)
        how_long_here = words.ngettext(
            "For the session '{title}' ({date}), that is {days} day: until {until}, or "
            "{days} day after you wrote your note if that is later.",
            "For the session '{title}' ({date}), that is {days} days: until {until}, or "
            "{days} days after you wrote your note if that is later.",
            retention_days,
        ).format(
            title=words.isolate(session_title),
            date=words.date(session_held_on),
            days=words.number(retention_days),
            until=words.date(until),
        )
    else:
        how_long_here = words.ngettext(
            "Each session sets its own period; it is {days} day unless the facilitators chose "
            "another. Open this notice from your session's page to see the date for your "
            "session.",
            "Each session sets its own period; it is {days} days unless the facilitators "
            "chose another. Open this notice from your session's page to see the date for "
            "your session.",
            DEFAULT_RETENTION_DAYS,
        ).format(days=words.number(DEFAULT_RETENTION_DAYS))
    ask = (
        _("Contact {contact}.").format(contact=words.isolate(contact))
        if contact
        else _(
            "The organisation running this app has not set a contact address here "
            "(ARP_PRIVACY_CONTACT is not set). Ask a facilitator in the room, or the "
            "organisation that invited you."
        )
    )
    return [
        NoticeSection(
            _("What is stored"),
            (
                _(
                    "Your note, after emails, phone numbers, full postcodes, NHS and National "
                    "Insurance numbers and street addresses are removed from it automatically "
                    "(you see what will be stored before you save)."
                ),
                _(
                    "The neighbourhood you chose: a Census area of about 1,500 residents (an "
                    "LSOA), what the note is about and its kind, the language you wrote it in, "
                    "when you wrote it, and the workshop session it belongs to."
                ),
                _("The age band and Census ethnic group, only if you chose to give them."),
                _(
                    "Your dot votes, with a random number for your browser so that you can "
                    "change them; it is not linked to you or to your notes."
                ),
            ),
        ),
        NoticeSection(
            _("What is never stored"),
            (
                _(
                    "Your name: we do not ask for it. Your IP address: the app does not record "
                    "it. Your exact location: tapping the map or searching for a postcode only "
                    "finds your neighbourhood, and the postcode you type to search is not kept."
                ),
                _(
                    "This app sets no advertising or tracking cookies and sends nothing to "
                    "analytics services."
                ),
            ),
        ),
        NoticeSection(
            _("Who sees it"),
            (
                _(
                    "Facilitators, signed in, read every note to decide whether it can be "
                    "shown. They may remove details from a note before approving it."
                ),
                _(
                    "Only approved notes appear to anyone else: on the map, on area profiles "
                    "and in exports of approved notes, used to shape the Anti-Racist Places "
                    "Framework. Your age band and ethnic group are never shown beside your note."
                ),
            ),
        ),
        NoticeSection(
            _("How long it is kept"),
            (
                _(
                    "Approved notes are kept as part of the framework's evidence, without your "
                    "name, until the organisation deletes the session's data."
                ),
                _(
                    "Notes that were not approved (still waiting, or rejected) are deleted when "
                    "the session's retention period ends. When a facilitator removes details "
                    "from a note, its original wording is kept only until then, and then "
                    "deleted."
                ),
                how_long_here,
                _("Backups never include rejected notes or the original wording of edited notes."),
            ),
        ),
        NoticeSection(
            _("How to ask for your note to be removed"),
            (
                _(
                    "Tell us the session, the neighbourhood and roughly what your note said (we "
                    "cannot look it up by your name, because we do not have it). We will delete "
                    "it, or the whole session's notes if you ask us to."
                ),
                ask,
            ),
        ),
    ]
