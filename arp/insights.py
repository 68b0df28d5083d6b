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
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text

from arp import limits, privacy, workshop
from arp.redaction import redact
from arp.workshop import Store

log = logging.getLogger(__name__)
MAX_TEXT = 1000
KINDS = {
    "barrier": "A barrier",
    "experience": "An experience",
    "asset": "An asset (something that works)",
    "idea": "An idea for action",
}
AGE_BANDS = ("16 to 24", "25 to 34", "35 to 49", "50 to 64", "65 and over")
STATUSES = ("pending", "approved", "rejected")
# Pending notes the moderation page draws at once, oldest first. Each is a text box and three
# buttons: in Chromium 100 took 8 s to draw and 1,000 (one full import) two minutes.
MODERATE_AT_ONCE = 20


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
        problems.append("choose a place on the map, by name or by postcode")
    if insight.domain not in domains:
        problems.append("choose what your note is about")
    if insight.indicator_id and insight.indicator_id not in indicators:
        problems.append("that indicator is not in the framework")
    if insight.kind not in KINDS:
        problems.append("choose the kind of note")
    text = insight.text.strip()
    redacted, _ = redact(text)
    if not text:
        problems.append("please write your note")
    elif len(text) > MAX_TEXT:
        problems.append(
            f"your note is {len(text):,} characters; the limit is {MAX_TEXT:,}: "
            f"shorten it by {len(text) - MAX_TEXT:,}"
        )
    elif len(redacted) > MAX_TEXT:  # the "[... removed]" markers can be longer than they hide
        problems.append(f"with personal details removed your note is over {MAX_TEXT:,} characters")
    if insight.age_band and insight.age_band not in AGE_BANDS:
        problems.append("choose an age band from the list, or leave it empty")
    if insight.ethnic_group and insight.ethnic_group not in ethnic_groups:
        problems.append("choose an ethnic group from the Census list, or leave it empty")
    if not insight.consent:
        problems.append("please tick the box to say your note may be used as described")
    if problems:
        raise InsightError(*problems)
    return Insight(**{**insight.__dict__, "text": redacted})


def save(path: Store, insight: Insight) -> int:
    """Store a validated insight as pending. Saving the same client token twice (a double
    tap, a retried request) stores it once: the unique token decides, in the database, so two
    copies racing on two threads or two replicas get the one id."""
    with workshop.connect(path) as con:
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
        "now": now,
    }
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


def moderate(
    path: Store, insight_id: int, action: str, facilitator: str, redacted_text: str | None = None
) -> None:
    """approve, reject, or redact (approve with the facilitator's edited text). Logged, in the
    same transaction as the change."""
    privacy.purge_expired(path)  # retention is enforced as facilitators work, too
    if action not in ("approve", "reject", "redact"):
        raise InsightError(f"unknown action {action!r}")
    if not facilitator.strip():
        raise InsightError("only a signed-in facilitator moderates")
    edited = None
    if action == "redact":
        if not redacted_text or not redacted_text.strip():
            raise InsightError("give the redacted text")
        if len(redacted_text) > MAX_TEXT:
            raise InsightError(f"the redacted text is over {MAX_TEXT:,} characters")
        edited = redact(redacted_text.strip())[0]
    with workshop.connect(path) as con:
        previous = con.execute(
            text("select text from insights where insight_id = :id"), {"id": insight_id}
        ).scalar_one_or_none()
        if previous is None:
            raise InsightError(f"no insight {insight_id}")
        now = datetime.now(UTC)
        status = "rejected" if action == "reject" else "approved"
        con.execute(
            text(
                "update insights set status = :status, text = :text, moderated_at = :now "
                "where insight_id = :id"
            ),
            {
                "status": status,
                "text": edited if edited is not None else previous,
                "now": now,
                "id": insight_id,
            },
        )
        con.execute(
            text(
                "insert into moderation_log (insight_id, action, facilitator, acted_at, "
                "previous_text) values (:id, :action, :who, :now, :previous)"
            ),
            {
                "id": insight_id,
                "action": action,
                "who": facilitator,
                "now": now,
                "previous": previous if action == "redact" else None,
            },
        )
    log.info("%s: %s insight %d", facilitator, action, insight_id)


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
