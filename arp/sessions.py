"""Workshop sessions, their join links, and dot-voting on what matters most.

Each participant has 10 dots to spread across the framework's domains; a session's dots,
summed, can be saved as a weighting scenario, so the map reflects the room's priorities.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pandas as pd
import segno
import sqlalchemy as sa
from sqlalchemy import text

from arp import privacy, room, workshop
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


def join_link(public_url: str, session_id: str, lang: str | None = None) -> str:
    """The session's participant home (pages/join.py): the link and QR code a room scans,
    in the language `lang` names (none: the participant's browser's), one QR code each."""
    params = {"session": session_id, **({"lang": lang} if lang else {})}
    return f"{public_url.rstrip('/')}/join?{urlencode(params)}"


def qr_png(link: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


VOTER_TOKEN = re.compile(r"[0-9a-f]{32}")


def valid_voter_token(token: object) -> bool:
    """A participant token as the browser keeps it (arp.ui.participant): 32 hex digits."""
    return isinstance(token, str) and VOTER_TOKEN.fullmatch(token) is not None


def vote(
    path: Store, session_id: str, voter_token: str, dots: dict[str, int], domains: set[str]
) -> None:
    """Cast or replace one participant's ballot: whole numbers, all 10 dots placed, while
    the session's voting is open. One ballot per participant per session, whatever races:
    the ballot's row is taken first (insert, or update and so lock it), so a second copy of
    the same participant's vote waits, then replaces the first's dots."""
    if not voter_token or len(voter_token) > 200:
        raise SessionError("this browser has no participant token; reload the page")
    unknown = [d for d in dots if d not in domains]
    if unknown:
        raise SessionError(f"unknown domain {unknown[0]!r}")
    if any(not isinstance(n, int) or n < 0 for n in dots.values()):
        raise SessionError("dots are whole numbers, 0 or more")
    placed = sum(dots.values())
    if placed != DOTS:
        raise SessionError(f"place all {DOTS} dots: you have placed {placed}")
    with workshop.connect(path) as con:
        try:
            state = room.read(con, session_id)
        except room.RoomError as error:
            raise SessionError(str(error)) from error
        if state.ended:
            raise SessionError("this session has ended")
        if not state.voting_open:
            raise SessionError("voting is not open")
        now = datetime.now(UTC)
        key = {"s": session_id, "v": voter_token}
        con.execute(
            text(
                """insert into ballots (session_id, voter_token, first_cast_at, last_cast_at,
                       casts)
                   values (:s, :v, :now, :now, 1)
                   on conflict (session_id, voter_token) do update
                   set last_cast_at = excluded.last_cast_at, casts = ballots.casts + 1"""
            ),
            {**key, "now": now},
        )
        con.execute(text("delete from votes where session_id = :s and voter_token = :v"), key)
        con.execute(
            text(
                "insert into votes (session_id, voter_token, domain, dots, voted_at) "
                "values (:s, :v, :d, :n, :now)"
            ),
            [
                {**key, "d": domain, "n": count, "now": now}
                for domain, count in dots.items()
                if count
            ],
        )


def ballot(path: Store, session_id: str, voter_token: str) -> dict[str, int]:
    """A participant's dots in a session, by domain ({} before they vote)."""
    if not workshop.exists(path):
        return {}
    with workshop.connect(path, write=False) as con:
        rows = con.execute(
            text("select domain, dots from votes where session_id = :s and voter_token = :v"),
            {"s": session_id, "v": voter_token},
        ).all()
    return {domain: int(n) for domain, n in rows}


BALLOTS_SQL = "select count(distinct voter_token) from votes where session_id = :s"


def ballot_count(path: Store, session_id: str) -> int:
    """How many people have voted in a session."""
    if not workshop.exists(path):
        return 0
    with workshop.connect(path, write=False) as con:
        return int(con.execute(text(BALLOTS_SQL), {"s": session_id}).scalar_one())


def results(path: Store, session_id: str) -> pd.DataFrame:
    """Dots per domain in a session, and how many people gave each domain a dot. For
    facilitators and exports: participants see `revealed_results`."""
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


def revealed_results(path: Store, session_id: str) -> pd.DataFrame | None:
    """The room's dots per domain once a facilitator has revealed them; None until then
    (dots in view of others follow the crowd)."""
    if not room.state(path, session_id).results_revealed:
        return None
    return results(path, session_id)


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


def save_room_scenario(
    path: Store,
    session: Session,
    name: str,
    domain_ids: list[str],
    indicator_ids: set[str],
    facilitator: str | None,
) -> workshop.Scenario:
    """The room's result saved as a weighting scenario (logged in the session's log), once
    voting has closed: a result still moving is not a decision."""
    who = room.facilitator_name(facilitator)
    state = room.state(path, session.session_id)
    if state.voting_open:
        raise SessionError("close voting first: the room's result is saved once voting ends")
    scenario = workshop.validate(
        as_scenario(path, session, name, domain_ids), set(domain_ids), indicator_ids
    )
    workshop.save_scenario(path, scenario)
    with workshop.connect(path) as con:
        room.log(con, session.session_id, "save_scenario", who, scenario.name)
    return scenario
