"""Lived-experience insights captured in workshops: redaction, validation, storage and
moderation. Everything a participant types is untrusted: it is stored as given (after
redaction), bound as a SQL parameter, and shown only as text, never as markup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text

from arp import workshop
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


def moderate(
    path: Store, insight_id: int, action: str, facilitator: str, redacted_text: str | None = None
) -> None:
    """approve, reject, or redact (approve with the facilitator's edited text). Logged, in the
    same transaction as the change."""
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
