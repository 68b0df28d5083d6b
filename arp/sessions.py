"""Workshop sessions, their join links, and dot-voting on what matters most.

Each participant has 10 dots to spread across the framework's domains; a session's dots,
summed, can be saved as a weighting scenario, so the map reflects the room's priorities.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pandas as pd
import segno
import sqlalchemy as sa
from sqlalchemy import text

from arp import privacy, workshop
from arp.workshop import Store

DOTS = 10


class SessionError(ValueError):
    """A session or a vote was refused; the message says why."""


@dataclass(frozen=True)
class Session:
    session_id: str
    title: str
    held_on: date
    venue: str = ""
    district_code: str | None = None
    # Days after the session that unapproved notes and redacted notes' original wording are
    # kept (arp.privacy).
    retention_days: int = privacy.DEFAULT_RETENTION_DAYS


def _retention(days: object) -> int:
    try:
        return privacy.check_retention_days(days)
    except privacy.PrivacyError as error:
        raise SessionError(str(error)) from error


def create(
    path: Store,
    title: str,
    held_on: date,
    venue: str = "",
    district_code: str | None = None,
    retention_days: int = privacy.DEFAULT_RETENTION_DAYS,
    *,
    by: str | None = None,
) -> Session:
    """A new session; `by` is the facilitator, logged."""
    title = " ".join(title.split())
    if not title:
        raise SessionError("give the session a title")
    if len(title) > 120 or len(venue) > 120:
        raise SessionError("keep the title and venue under 120 characters")
    session = Session(
        secrets.token_urlsafe(6),
        title,
        held_on,
        venue.strip(),
        district_code,
        _retention(retention_days),
    )
    with workshop.connect(path) as con:
        con.execute(
            text(
                "insert into sessions (session_id, title, held_on, venue, district_code, "
                "created_at, retention_days) "
                "values (:id, :title, :day, :venue, :district, :now, :retention)"
            ),
            {
                "id": session.session_id,
                "title": session.title,
                "day": held_on,
                "venue": session.venue,
                "district": district_code,
                "now": datetime.now(UTC),
                "retention": session.retention_days,
            },
        )
        workshop.record_action(
            con, by, "created session", f"{session.session_id} ({session.title}, {held_on})"
        )
    return session


def set_retention(path: Store, session_id: str, retention_days: int) -> None:
    """Change how long a session's unapproved notes and original wordings are kept; the next
    purge follows the new period (a shorter one deletes what is then past it)."""
    days = _retention(retention_days)
    with workshop.connect(path) as con:
        changed = con.execute(
            text("update sessions set retention_days = :days where session_id = :s"),
            {"days": days, "s": session_id},
        ).rowcount
    if not changed:
        raise SessionError("this session does not exist")


def listing(path: Store) -> list[Session]:
    if not workshop.exists(path):
        return []
    with workshop.connect(path, write=False) as con:
        rows = con.execute(
            text(
                "select session_id, title, held_on, venue, district_code, retention_days "
                "from sessions order by held_on desc, title"
            ).columns(held_on=sa.Date)
        ).fetchall()
    return [Session(*row) for row in rows]


def street_tiles(path: Store, session_id: str | None) -> bool:
    """Whether the session's capture map draws street tiles, which a tile server is asked
    for as a participant pans: off until a facilitator turns them on, and off without a
    session."""
    if not session_id or not workshop.exists(path):
        return False
    with workshop.connect(path, write=False) as con:
        on = con.execute(
            text("select street_tiles from sessions where session_id = :s"), {"s": session_id}
        ).scalar_one_or_none()
    return bool(on)


def set_street_tiles(path: Store, session_id: str, on: bool) -> None:
    """Turn a session's street tiles on or off (a facilitator's choice, arp.ui.signin)."""
    with workshop.connect(path) as con:
        changed = con.execute(
            text("update sessions set street_tiles = :on where session_id = :s"),
            {"on": int(on), "s": session_id},
        ).rowcount
    if not changed:
        raise SessionError("this session does not exist")


def join_link(public_url: str, session_id: str) -> str:
    """The session's participant home (pages/join.py): the link and QR code a room scans."""
    return f"{public_url.rstrip('/')}/join?{urlencode({'session': session_id})}"


def qr_png(link: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def vote(
    path: Store, session_id: str, voter_token: str, dots: dict[str, int], domains: set[str]
) -> None:
    """Record (or replace) one participant's dots: whole numbers, all 10 placed."""
    unknown = [d for d in dots if d not in domains]
    if unknown:
        raise SessionError(f"unknown domain {unknown[0]!r}")
    if any(not isinstance(n, int) or n < 0 for n in dots.values()):
        raise SessionError("dots are whole numbers, 0 or more")
    placed = sum(dots.values())
    if placed != DOTS:
        raise SessionError(f"place all {DOTS} dots: you have placed {placed}")
    with workshop.connect(path) as con:
        if not con.execute(
            text("select 1 from sessions where session_id = :s"), {"s": session_id}
        ).first():
            raise SessionError("this session does not exist (check the join link)")
        now = datetime.now(UTC)
        con.execute(
            text("delete from votes where session_id = :s and voter_token = :v"),
            {"s": session_id, "v": voter_token},
        )
        placed_dots = [
            {"s": session_id, "v": voter_token, "d": domain, "n": count, "now": now}
            for domain, count in dots.items()
            if count
        ]
        con.execute(
            text(
                "insert into votes (session_id, voter_token, domain, dots, voted_at) "
                "values (:s, :v, :d, :n, :now)"
            ),
            placed_dots,
        )


def results(path: Store, session_id: str) -> pd.DataFrame:
    """Dots per domain in a session, and how many people voted."""
    if not workshop.exists(path):
        return pd.DataFrame(columns=["domain", "dots", "voters"])
    with workshop.connect(path, write=False) as con:
        return workshop.frame(
            con.execute(
                text(
                    """select domain, sum(dots) as dots, count(distinct voter_token) as voters
                       from votes where session_id = :s group by domain
                       order by dots desc, domain"""
                ),
                {"s": session_id},
            )
        )


def as_scenario(path: Store, session: Session, name: str, domains: list[str]) -> workshop.Scenario:
    """The room's dots as domain weights: each domain's share of all dots, times 10; a
    domain nobody chose weighs 0."""
    table = results(path, session.session_id)
    total = float(table["dots"].sum())
    if not total:
        raise SessionError("no votes in this session yet")
    dots = dict(zip(table["domain"], table["dots"], strict=True))
    weights = {domain: round(float(dots.get(domain, 0)) / total * 10, 2) for domain in domains}
    return workshop.Scenario(
        name, weights, {}, f"Dot votes of '{session.title}', {session.held_on}"
    )
