"""Lived-experience insights captured in workshops: redaction, validation, storage and
moderation. Everything a participant types is untrusted: it is stored as given (after
redaction), bound as a SQL parameter, and shown only as text, never as markup.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection

from arp import room, workshop
from arp.workshop import Store

MAX_TEXT = 1000
KINDS = {
    "barrier": "A barrier",
    "experience": "An experience",
    "asset": "An asset (something that works)",
    "idea": "An idea for action",
}
AGE_BANDS = ("16 to 24", "25 to 34", "35 to 49", "50 to 64", "65 and over")
STATUSES = ("pending", "approved", "rejected")
# Personal details that must not be kept: replaced before anything is stored.
REDACTIONS = (
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email removed]"),
    (
        "a phone number",
        re.compile(r"(?<![\w])(\+44\s?|0)(\d[\s-]?){9,10}\d(?![\w])"),
        "[phone number removed]",
    ),
    (
        "a full postcode",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
        "[postcode removed]",
    ),
)


class InsightError(ValueError):
    """An insight was refused; the message says why, in words a participant understands."""


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


def redact(text: str) -> tuple[str, list[str]]:
    """The text with emails, phone numbers and full postcodes replaced, and what was found."""
    found = []
    for label, pattern, replacement in REDACTIONS:
        text, count = pattern.subn(replacement, text)
        if count:
            found.append(label)
    return text, found


def validate(
    insight: Insight,
    domains: set[str],
    indicators: set[str],
    areas: set[str],
    ethnic_groups: set[str],
) -> Insight:
    """A cleaned, redacted insight, or InsightError with the reason."""
    if not insight.consent:
        raise InsightError("please tick the box to say your note may be used as described")
    text = insight.text.strip()
    if not text:
        raise InsightError("please write your note")
    if len(text) > MAX_TEXT:
        raise InsightError(f"your note is {len(text):,} characters; the limit is {MAX_TEXT:,}")
    if insight.area_code not in areas:
        raise InsightError("choose a place on the map, by name or by postcode")
    if insight.domain not in domains:
        raise InsightError("choose what your note is about")
    if insight.indicator_id and insight.indicator_id not in indicators:
        raise InsightError("that indicator is not in the framework")
    if insight.kind not in KINDS:
        raise InsightError("choose the kind of note")
    if insight.age_band and insight.age_band not in AGE_BANDS:
        raise InsightError("choose an age band from the list, or leave it empty")
    if insight.ethnic_group and insight.ethnic_group not in ethnic_groups:
        raise InsightError("choose an ethnic group from the Census list, or leave it empty")
    redacted, _ = redact(text)
    return Insight(**{**insight.__dict__, "text": redacted})


def save(path: Store, insight: Insight) -> int:
    """Store a validated insight as pending. Saving the same client token twice (a double
    tap, a retried request) stores it once: the unique token decides, in the database, so two
    copies racing on two threads or two replicas get the one id."""
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
        "now": datetime.now(UTC),
    }
    with workshop.connect(path) as con:
        if insight.session_id is not None and not room.capture_open_on(con, insight.session_id):
            already = con.execute(
                text("select insight_id from insights where client_token = :token"), values
            ).scalar_one_or_none()
            if already is None:
                raise InsightError("this session is not taking notes now")
            return int(already)  # saved before note-taking closed: a retried request
        inserted = con.execute(
            text(
                """insert into insights (client_token, session_id, area_code, domain,
                       indicator_id, kind, text, age_band, ethnic_group, submitted_at)
                   values (:token, :session, :area, :domain, :indicator, :kind, :text, :age,
                       :ethnic, :now)
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
        return _log(
            con,
            note,
            insight_id,
            action,
            who,
            now,
            note.status,
            note.text if action == "redact" else None,
        )


LAST_ACTION_SQL = """select action, action_number, previous_status, previous_text
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
       age_band, ethnic_group, submitted_at
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
