"""The room's state: whether a workshop session takes notes and votes, whether its results
are shown, and whether it has ended.

Only a facilitator changes it, through the functions below; each change is stored with who
made it and when (session_states) and logged (session_log). A session that was never
changed reads as DEFAULTS: taking notes, voting not yet open, results hidden. Ending a
session closes note-taking and voting for good.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection

from arp import workshop
from arp.workshop import Store


class RoomError(ValueError):
    """A change to the room was refused; the message says why."""


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str


@dataclass(frozen=True)
class RoomState:
    session_id: str
    capture_open: bool = True
    voting_open: bool = False
    results_revealed: bool = False
    capture_changed: Change | None = None
    voting_changed: Change | None = None
    results_changed: Change | None = None
    ended: Change | None = None


# What each change does, and how the log says it.
ACTIONS = {
    "open_capture": "opened note-taking",
    "close_capture": "closed note-taking",
    "open_voting": "opened voting",
    "close_voting": "closed voting",
    "reveal_results": "revealed the results",
    "hide_results": "hid the results",
    "end_session": "ended the session",
    "save_scenario": "saved the room's result as a weighting scenario",
}

STATE_SQL = """select capture_open, capture_changed_at, capture_changed_by, voting_open,
       voting_changed_at, voting_changed_by, results_revealed, results_changed_at,
       results_changed_by, ended_at, ended_by
from session_states where session_id = :s"""
_STATE_COLUMNS: dict[str, sa.types.TypeEngine] = {
    "capture_changed_at": sa.DateTime(timezone=True),
    "voting_changed_at": sa.DateTime(timezone=True),
    "results_changed_at": sa.DateTime(timezone=True),
    "ended_at": sa.DateTime(timezone=True),
    "capture_open": sa.Boolean(),
    "voting_open": sa.Boolean(),
    "results_revealed": sa.Boolean(),
}


def _change(at: datetime | None, by: str | None) -> Change | None:
    if at is None or by is None:
        return None
    return Change(at if at.tzinfo else at.replace(tzinfo=UTC), by)


def read(con: Connection, session_id: str, *, lock: bool = False) -> RoomState:
    """The state of a session, on an open connection; RoomError if there is no such session.
    `lock` holds the session's row until the transaction ends (PostgreSQL: FOR UPDATE;
    SQLite's writers already queue at BEGIN IMMEDIATE)."""
    lock_clause = " for update" if lock and con.dialect.name == "postgresql" else ""
    if not con.execute(
        text(f"select 1 from sessions where session_id = :s{lock_clause}"), {"s": session_id}
    ).first():
        raise RoomError("this session does not exist (check the join link)")
    row = con.execute(text(STATE_SQL).columns(**_STATE_COLUMNS), {"s": session_id}).first()
    if row is None:
        return RoomState(session_id)
    return RoomState(
        session_id,
        capture_open=bool(row.capture_open),
        voting_open=bool(row.voting_open),
        results_revealed=bool(row.results_revealed),
        capture_changed=_change(row.capture_changed_at, row.capture_changed_by),
        voting_changed=_change(row.voting_changed_at, row.voting_changed_by),
        results_changed=_change(row.results_changed_at, row.results_changed_by),
        ended=_change(row.ended_at, row.ended_by),
    )


def capture_open_on(con: Connection, session_id: str) -> bool:
    """Whether a session takes notes (a session never changed does), on an open connection."""
    value = con.execute(
        text("select capture_open from session_states where session_id = :s"), {"s": session_id}
    ).scalar_one_or_none()
    return value is None or bool(value)


def state(path: Store, session_id: str) -> RoomState:
    with workshop.connect(path, write=False) as con:
        return read(con, session_id)


def _applied(current: RoomState, action: str, change: Change) -> RoomState:
    if action == "end_session":
        closed = _applied(_applied(current, "close_capture", change), "close_voting", change)
        return replace(closed, ended=change)
    field, value, stamp = {
        "open_capture": ("capture_open", True, "capture_changed"),
        "close_capture": ("capture_open", False, "capture_changed"),
        "open_voting": ("voting_open", True, "voting_changed"),
        "close_voting": ("voting_open", False, "voting_changed"),
        "reveal_results": ("results_revealed", True, "results_changed"),
        "hide_results": ("results_revealed", False, "results_changed"),
    }[action]
    if getattr(current, field) == value:
        return current
    changes: dict[str, Any] = {field: value, stamp: change}
    return replace(current, **changes)


def facilitator_name(facilitator: str | None) -> str:
    """The acting facilitator's name, or RoomError: nobody else changes a room."""
    name = " ".join((facilitator or "").split())
    if not name:
        raise RoomError("only a signed-in facilitator can change a session")
    return name[:200]


def log(con: Connection, session_id: str, action: str, who: str, detail: str | None = None):
    """One line in the session's log, on the caller's transaction."""
    con.execute(
        text(
            "insert into session_log (session_id, action, facilitator, acted_at, detail) "
            "values (:s, :action, :who, :now, :detail)"
        ),
        {"s": session_id, "action": action, "who": who, "now": datetime.now(UTC), "detail": detail},
    )


def change(path: Store, session_id: str, action: str, facilitator: str | None) -> RoomState:
    """Apply one of ACTIONS (but save_scenario, which arp.sessions makes) and log it; the new
    state. Asking for what already holds (opening what is open) changes and logs nothing."""
    if action not in ACTIONS or action == "save_scenario":
        raise RoomError(f"unknown change {action!r}")
    who = facilitator_name(facilitator)
    with workshop.connect(path) as con:
        current = read(con, session_id, lock=True)
        if current.ended:
            raise RoomError("this session has ended; it cannot be changed")
        new = _applied(current, action, Change(datetime.now(UTC), who))
        if new == current:
            return current
        values = {
            "s": session_id,
            "capture_open": new.capture_open,
            "voting_open": new.voting_open,
            "results_revealed": new.results_revealed,
        }
        for prefix, stamp in (
            ("capture_changed", new.capture_changed),
            ("voting_changed", new.voting_changed),
            ("results_changed", new.results_changed),
        ):
            values[f"{prefix}_at"] = stamp.at if stamp else None
            values[f"{prefix}_by"] = stamp.by if stamp else None
        values["ended_at"] = new.ended.at if new.ended else None
        values["ended_by"] = new.ended.by if new.ended else None
        columns = [key for key in values if key != "s"]
        con.execute(
            text(
                f"insert into session_states (session_id, {', '.join(columns)}) "
                f"values (:s, {', '.join(':' + c for c in columns)}) "
                "on conflict (session_id) do update set "
                + ", ".join(f"{c} = excluded.{c}" for c in columns)
            ),
            values,
        )
        log(con, session_id, action, who)
        return new


def open_capture(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "open_capture", facilitator)


def close_capture(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "close_capture", facilitator)


def open_voting(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "open_voting", facilitator)


def close_voting(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "close_voting", facilitator)


def reveal_results(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "reveal_results", facilitator)


def hide_results(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "hide_results", facilitator)


def end_session(path: Store, session_id: str, facilitator: str | None) -> RoomState:
    return change(path, session_id, "end_session", facilitator)


def history(path: Store, session_id: str) -> pd.DataFrame:
    """The session's log, newest first: when, who, what (in words), detail."""
    with workshop.connect(path, write=False) as con:
        frame = workshop.frame(
            con.execute(
                text(
                    "select acted_at, facilitator, action, detail from session_log "
                    "where session_id = :s order by log_id desc"
                ).columns(acted_at=sa.DateTime(timezone=True)),
                {"s": session_id},
            )
        )
    frame["action"] = frame["action"].map(ACTIONS).fillna(frame["action"])
    return frame
