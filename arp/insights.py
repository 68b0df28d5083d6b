"""Lived-experience insights captured in workshops: redaction, validation, storage and
moderation. Everything a participant types is untrusted: it is stored as given (after
redaction), bound as a SQL parameter, and shown only as text, never as markup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection

from arp import limits, privacy, room, workshop
from arp.i18n import N_
from arp.redaction import redact
from arp.workshop import Store

log = logging.getLogger(__name__)
MAX_TEXT = 1000
KINDS = {  # in English; the participant pages show them in the participant's language
    "barrier": N_("A barrier"),
    "experience": N_("An experience"),
    "asset": N_("An asset (something that works)"),
    "idea": N_("An idea for action"),
}
AGE_BANDS = (N_("16 to 24"), N_("25 to 34"), N_("35 to 49"), N_("50 to 64"), N_("65 and over"))
STATUSES = ("pending", "approved", "rejected")


# How many notes one participant (one browser session) may save in how long. A person takes
# a minute or more to write a note, so five in five minutes is already faster than anyone
# writes, with room for a phone passed round a table; it stops a held-down key or a script
# from filling the facilitators' queue. A double tap is one note (its token), not two.
NOTES_PER_WINDOW = 5
NOTE_WINDOW_SECONDS = 5 * 60


class InsightError(ValueError):
    """An insight was refused; the message says why, in words a participant understands.
    `problems` lists every reason at once (the message joins them), so a participant fixes
    them all before the next Save rather than meeting them one by one."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problems))


class SavingTooFast(InsightError):
    """A participant saved more notes than the limit allows; `wait_seconds` until the next."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        minutes = NOTE_WINDOW_SECONDS // 60
        super().__init__(
            f"Thank you for so many notes! So that every voice in the room gets read, each "
            f"phone can save {NOTES_PER_WINDOW} notes every {minutes} minutes. You can save "
            f"this one {limits.in_words(wait_seconds)}: it stays here until then."
        )


def note_limit(clock: Callable[[], float] = time.monotonic) -> limits.RateLimit:
    """The limit on saving notes (the app keeps one per process: see arp.limits)."""
    return limits.RateLimit(NOTES_PER_WINDOW, NOTE_WINDOW_SECONDS, clock)


@dataclass(frozen=True)
class Insight:
    area_code: str
    domain: str
    kind: str
    text: str
    consent: bool
    indicator_id: str | None = None
    age_band: str | None = None
    ethnic_group: str | None = None
    session_id: str | None = None
    client_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    # The language of the participant's pages when they wrote it (arp.i18n's codes), so
    # that a facilitator knows what a note is written in; the text is kept as written.
    language: str | None = None


def validate(
    insight: Insight,
    domains: set[str],
    indicators: set[str],
    areas: set[str],
    ethnic_groups: set[str],
) -> Insight:
    """A cleaned, redacted insight, or InsightError listing every problem, in the order of
    the form (place, what it is about, measure, kind, note, about you, consent)."""
    problems = []
    if insight.area_code not in areas:
        problems.append(N_("choose a place on the map, by name or by postcode"))
    if insight.domain not in domains:
        problems.append(N_("choose what your note is about"))
    if insight.indicator_id and insight.indicator_id not in indicators:
        problems.append(N_("that indicator is not in the framework"))
    if insight.kind not in KINDS:
        problems.append(N_("choose the kind of note"))
    text = insight.text.strip()
    redacted, _ = redact(text)
    if not text:
        problems.append(N_("please write your note"))
    elif len(text) > MAX_TEXT:
        problems.append(
            f"your note is {len(text):,} characters; the limit is {MAX_TEXT:,}: "
            f"shorten it by {len(text) - MAX_TEXT:,}"
        )
    elif len(redacted) > MAX_TEXT:  # the "[... removed]" markers can be longer than they hide
        problems.append(f"with personal details removed your note is over {MAX_TEXT:,} characters")
    if insight.age_band and insight.age_band not in AGE_BANDS:
        problems.append(N_("choose an age band from the list, or leave it empty"))
    if insight.ethnic_group and insight.ethnic_group not in ethnic_groups:
        problems.append(N_("choose an ethnic group from the Census list, or leave it empty"))
    if not insight.consent:
        problems.append(N_("please tick the box to say your note may be used as described"))
    if problems:
        raise InsightError(*problems)
    return Insight(**{**insight.__dict__, "text": redacted})


def save(path: Store, insight: Insight) -> int:
    """Store a validated insight as pending. Saving the same client token twice (a double
    tap, a retried request) stores it once: the unique token decides, in the database, so two
    copies racing on two threads or two replicas get the one id."""
    with workshop.connect(path) as con:
        if insight.session_id is not None and not room.capture_open_on(con, insight.session_id):
            already = con.execute(
                text("select insight_id from insights where client_token = :token"),
                {"token": insight.client_token},
            ).scalar_one_or_none()
            if already is None:
                raise InsightError("this session is not taking notes now")
            return int(already)  # saved before note-taking closed: a retried request
        return _insert(con, insight, datetime.now(UTC))


def save_all(path: Store, checked: list[Insight]) -> list[int]:
    """Store validated insights as pending, all in one transaction: all or none, and one
    commit rather than one per note (an import of 1,000 notes takes a fraction of a second,
    not seconds of the store's write lock)."""
    now = datetime.now(UTC)
    with workshop.connect(path) as con:
        return [_insert(con, insight, now) for insight in checked]


def _insert(con: sa.Connection, insight: Insight, now: datetime) -> int:
    values = {
        "token": insight.client_token,
        "session": insight.session_id,
        "area": insight.area_code,
        "domain": insight.domain,
        "indicator": insight.indicator_id,
        "kind": insight.kind,
        "text": insight.text,
        "age": insight.age_band,
        "ethnic": insight.ethnic_group,
        "language": insight.language,
        "now": now,
    }
    inserted = con.execute(
        text(
            """insert into insights (client_token, session_id, area_code, domain,
                   indicator_id, kind, text, age_band, ethnic_group, language, submitted_at)
               values (:token, :session, :area, :domain, :indicator, :kind, :text, :age,
                   :ethnic, :language, :now)
               on conflict (client_token) do nothing
               returning insight_id"""
        ),
        values,
    ).scalar_one_or_none()
    if inserted is not None:
        return int(inserted)
    # Already stored (committed by the other copy: PostgreSQL waited for it).
    return int(
        con.execute(
            text("select insight_id from insights where client_token = :token"), values
        ).scalar_one()
    )


def save_for_participant(
    path: Store, insight: Insight, participant: str, limit: limits.RateLimit
) -> int:
    """Save a validated insight a participant submitted, within the limit on how often one
    participant may save (SavingTooFast when over it: nothing is saved)."""
    wait = limit.request(participant, insight.client_token)
    if wait > 0:
        raise SavingTooFast(wait)
    return save(path, insight)


EMPTY_COLUMNS = ["insight_id", "area_code", "domain", "kind", "text"]


def listing(path: Store, status: str) -> pd.DataFrame:
    if status not in STATUSES:
        raise ValueError(status)
    if not workshop.exists(path):
        return pd.DataFrame(columns=EMPTY_COLUMNS)
    with workshop.connect(path, write=False) as con:
        return workshop.frame(
            con.execute(
                text(
                    """select insight_id, area_code, domain, indicator_id, kind, text,
                              age_band, ethnic_group, submitted_at
                       from insights where status = :status order by insight_id"""
                ).columns(submitted_at=sa.DateTime(timezone=True)),
                {"status": status},
            )
        )


def approved_for_areas(path: Store, codes: list[str]) -> pd.DataFrame:
    """Approved insights whose place is one of `codes` (LSOAs inside an area, or the area)."""
    if not workshop.exists(path):
        return pd.DataFrame(columns=EMPTY_COLUMNS)
    with workshop.connect(path, write=False) as con:
        return workshop.frame(
            con.execute(
                text(
                    """select insight_id, area_code, domain, indicator_id, kind, text
                       from insights where status = 'approved' and area_code in :codes
                       order by insight_id"""
                ).bindparams(sa.bindparam("codes", expanding=True)),
                {"codes": list(codes)},
            )
        )


def lift_to_level(approved: pd.DataFrame, parent_of_lsoa: pd.Series) -> pd.DataFrame:
    """Insights with their place lifted to a larger level: a note placed in an LSOA belongs
    to the MSOA, ward or district the LSOA lies in. `parent_of_lsoa` maps LSOA code to the
    code at that level; a note placed at another level keeps its place."""
    lifted = approved.copy()
    lifted["area_code"] = lifted["area_code"].map(parent_of_lsoa).fillna(lifted["area_code"])
    return lifted


ACTION_WORDS = {
    "approve": "Approved",
    "redact": "Redacted and approved",
    "reject": "Rejected",
    "undo": "Undid",
}
_STATUS_AFTER = {"approve": "approved", "redact": "approved", "reject": "rejected"}


def _locked_note(con: Connection, insight_id: int) -> Any:
    """The note's status and text, its row held until the transaction ends (PostgreSQL:
    FOR UPDATE; SQLite's writers already queue at BEGIN IMMEDIATE)."""
    lock = " for update" if con.dialect.name == "postgresql" else ""
    row = con.execute(
        text(
            "select status, text, moderated_at, session_id from insights "
            f"where insight_id = :id{lock}"
        ).columns(moderated_at=sa.DateTime(timezone=True)),
        {"id": insight_id},
    ).first()
    if row is None:
        raise InsightError(f"no insight {insight_id}")
    return row


def _log(
    con: Connection,
    note: Any,
    insight_id: int,
    action: str,
    facilitator: str,
    now: datetime,
    previous_status: str,
    previous_text: str | None,
) -> int:
    """One moderation log line, numbered within its note (the unique (note, number) index
    refuses a second action racing for the same number); its number."""
    number = con.execute(
        text(
            "select coalesce(max(action_number), 0) + 1 from moderation_log where insight_id = :id"
        ),
        {"id": insight_id},
    ).scalar_one()
    try:
        con.execute(
            text(
                "insert into moderation_log (insight_id, action, facilitator, acted_at, "
                "previous_text, action_number, previous_status, session_id) values (:id, "
                ":action, :who, :now, :previous, :number, :previous_status, :session)"
            ),
            {
                "id": insight_id,
                "action": action,
                "who": facilitator,
                "now": now,
                "previous": previous_text,
                "number": number,
                "previous_status": previous_status,
                "session": note.session_id,
            },
        )
    except sa.exc.IntegrityError as error:  # the transaction is rolled back whole
        raise InsightError("another facilitator has just moderated this note") from error
    return int(number)


def _facilitator(facilitator: str | None) -> str:
    name = " ".join((facilitator or "").split())
    if not name:
        raise InsightError("only a signed-in facilitator can moderate")
    return name[:200]


def moderate(
    path: Store,
    insight_id: int,
    action: str,
    facilitator: str | None,
    redacted_text: str | None = None,
) -> int:
    """approve, reject, or redact (approve with the facilitator's edited text) a pending
    note; logged in the same transaction as the change, with the status (and, for a
    redaction, the text) it replaced, so `undo` can put it back. The log line's number.
    A note already moderated is refused (undo it first): two facilitators clicking on one
    card at once cannot both win."""
    if action not in _STATUS_AFTER:
        raise InsightError(f"unknown action {action!r}")
    who = _facilitator(facilitator)
    privacy.purge_expired(path)  # retention is enforced as facilitators work, too
    edited = None
    if action == "redact":
        if not redacted_text or not redacted_text.strip():
            raise InsightError("give the redacted text")
        if len(redacted_text) > MAX_TEXT:
            raise InsightError(f"the redacted text is over {MAX_TEXT:,} characters")
        edited = redact(redacted_text.strip())[0]
    with workshop.connect(path) as con:
        note = _locked_note(con, insight_id)
        if note.status != "pending":
            raise InsightError(f"this note was already {note.status}")
        now = datetime.now(UTC)
        con.execute(
            text(
                "update insights set status = :status, text = :text, moderated_at = :now "
                "where insight_id = :id"
            ),
            {
                "status": _STATUS_AFTER[action],
                "text": edited if edited is not None else note.text,
                "now": now,
                "id": insight_id,
            },
        )
        number = _log(
            con,
            note,
            insight_id,
            action,
            who,
            now,
            note.status,
            note.text if action == "redact" else None,
        )
    log.info("%s: %s insight %d", who, action, insight_id)
    return number


LAST_ACTION_SQL = """select action, action_number, previous_status, previous_text,
       original_purged_at
from moderation_log
where insight_id = :id and action_number is not null
order by action_number desc
limit 1"""


def undo(path: Store, insight_id: int, facilitator: str | None, action_number: int) -> int:
    """Undo the note's moderation numbered `action_number`, if it is still the note's latest:
    its status (and a redaction's text) as they were before it, and an 'undo' line in the
    log beside the action's own. The undo line's number."""
    who = _facilitator(facilitator)
    with workshop.connect(path) as con:
        note = _locked_note(con, insight_id)
        last = con.execute(text(LAST_ACTION_SQL), {"id": insight_id}).first()
        if last is None or last.action_number != action_number:
            raise InsightError("this note has been moderated again since; undo that first")
        if last.action == "undo":
            raise InsightError("that was already undone")
        if last.action == "redact" and last.original_purged_at is not None:
            raise InsightError(
                "the note's original wording was deleted when its session's retention "
                "period ended, so this redaction cannot be undone"
            )
        restored_text = last.previous_text if last.action == "redact" else note.text
        con.execute(
            text(
                "update insights set status = :status, text = :text, moderated_at = :when "
                "where insight_id = :id"
            ),
            {
                "status": last.previous_status,
                "text": restored_text,
                "when": None if last.previous_status == "pending" else note.moderated_at,
                "id": insight_id,
            },
        )
        return _log(con, note, insight_id, "undo", who, datetime.now(UTC), note.status, None)


# --- the moderation queue: paged, each query on an index -------------------------------

QUEUE_PAGE = 10
# Each query in two forms, for one session's notes and for every session's (None; notes of
# no session, imported ones say, are only there), so each can use its own index: the
# moderation queue stays a few index lookups however long it grows.
_SCOPES = {"session": "session_id = :s", "all": "1 = 1"}
QUEUE_SQL = {
    scope: f"""select insight_id, session_id, area_code, domain, indicator_id, kind, text,
       age_band, ethnic_group, submitted_at, language
from insights
where {where} and status = 'pending'
order by insight_id
limit :limit offset :offset"""
    for scope, where in _SCOPES.items()
}
PENDING_SQL = {
    scope: f"select count(*) from insights where {where} and status = 'pending'"
    for scope, where in _SCOPES.items()
}
COUNTS_SQL = {
    scope: f"select status, count(*) as notes from insights where {where} group by status"
    for scope, where in _SCOPES.items()
}
RECENT_SQL = {
    scope: f"""select m.insight_id, m.action, m.facilitator, m.acted_at, m.action_number,
       i.text, i.status
from moderation_log m join insights i on i.insight_id = m.insight_id
where {where} and m.action_number is not null
order by m.acted_at desc
limit :limit"""
    for scope, where in {"session": "m.session_id = :s", "all": "1 = 1"}.items()
}


def _scope(session_id: str | None) -> str:
    return "all" if session_id is None else "session"


@dataclass(frozen=True)
class QueuePage:
    notes: pd.DataFrame  # one page, oldest first
    pending: int  # in the whole queue
    page: int  # 0-based, clamped to the pages there are
    pages: int


def queue(
    path: Store, session_id: str | None, page: int = 0, per_page: int = QUEUE_PAGE
) -> QueuePage:
    """One page of the pending notes of a session (None: of every session), oldest first."""
    if not workshop.exists(path):
        return QueuePage(pd.DataFrame(columns=EMPTY_COLUMNS), 0, 0, 1)
    with workshop.connect(path, write=False) as con:
        pending = int(
            con.execute(text(PENDING_SQL[_scope(session_id)]), {"s": session_id}).scalar_one()
        )
        pages = max(1, -(-pending // per_page))
        page = min(max(page, 0), pages - 1)
        notes = workshop.frame(
            con.execute(
                text(QUEUE_SQL[_scope(session_id)]).columns(
                    submitted_at=sa.DateTime(timezone=True)
                ),
                {"s": session_id, "limit": per_page, "offset": page * per_page},
            )
        )
    return QueuePage(notes, pending, page, pages)


def counts_on(con: Connection, session_id: str | None) -> dict[str, int]:
    rows = con.execute(text(COUNTS_SQL[_scope(session_id)]), {"s": session_id}).all()
    return {status: int(n) for status, n in rows}


def counts(path: Store, session_id: str | None) -> dict[str, int]:
    """Notes by status (pending, approved, rejected) in a session (None: in all)."""
    if not workshop.exists(path):
        return {}
    with workshop.connect(path, write=False) as con:
        return counts_on(con, session_id)


def recent_actions(path: Store, session_id: str | None, limit: int = 5) -> pd.DataFrame:
    """The latest moderation actions on a session's notes, newest first, each marked
    `undoable` when it is still its note's latest action and not itself an undo."""
    columns = ["insight_id", "action", "facilitator", "acted_at", "action_number", "text"]
    if not workshop.exists(path):
        return pd.DataFrame(columns=[*columns, "undoable"])
    with workshop.connect(path, write=False) as con:
        frame = workshop.frame(
            con.execute(
                text(RECENT_SQL[_scope(session_id)]).columns(acted_at=sa.DateTime(timezone=True)),
                {"s": session_id, "limit": limit},
            )
        )
    latest = frame.groupby("insight_id")["action_number"].transform("max")
    newest_first = ~frame.duplicated("insight_id")
    frame["undoable"] = (
        newest_first & (frame["action_number"] == latest) & (frame["action"] != "undo")
    )
    return frame


def when_in_words(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """'just now', '4 min ago', '2 h ago' or the date, with the clock time in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{int(seconds // 60)} min ago"
    elif seconds < 86400:
        ago = f"{int(seconds // 3600)} h ago"
    else:
        return f"{local.day} {local:%b %Y}, {local:%H:%M}"
    return f"{ago}, {local:%H:%M}"


# --- facilitator sign-in ----------------------------------------------------------------

HASH_ITERATIONS = 200_000


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$iterations$salt$hash', for ARP_FACILITATOR_PASSWORD_HASH."""
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, HASH_ITERATIONS)
    return f"pbkdf2_sha256${HASH_ITERATIONS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    """Constant-time comparison against a stored hash. No stored hash: nobody signs in."""
    if not stored:
        return False
    try:
        scheme, iterations, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)
