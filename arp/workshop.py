"""The workshop database: what people decide in the room, kept apart from the public data.

A second DuckDB file (ARP_WORKSHOP_DB) that `arp build` never touches. Its schema is
versioned: numbered migrations run in order on every connection, each once.
It holds weighting scenarios, workshop sessions, insights with their moderation log, and
dot votes (arp.insights, arp.sessions and arp.transfer work on the same file).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """create table scenarios (
               name varchar primary key,
               domain_weights json not null,
               indicator_weights json not null,
               note varchar,
               created_at timestamptz not null,
               updated_at timestamptz not null
           )""",
    ),
    (
        2,
        """create sequence insight_ids;
           create table insights (
               insight_id bigint primary key default nextval('insight_ids'),
               client_token varchar unique not null,
               session_id varchar,
               area_code varchar not null,
               domain varchar not null,
               indicator_id varchar,
               kind varchar not null,
               text varchar not null,
               age_band varchar,
               ethnic_group varchar,
               status varchar not null default 'pending',
               submitted_at timestamptz not null,
               moderated_at timestamptz,
               check (status in ('pending', 'approved', 'rejected')),
               check (length(text) <= 1000)
           );
           create table moderation_log (
               insight_id bigint not null,
               action varchar not null,
               facilitator varchar not null,
               acted_at timestamptz not null,
               previous_text varchar
           )""",
    ),
    (
        3,
        """create table sessions (
               session_id varchar primary key,
               title varchar not null,
               held_on date not null,
               venue varchar,
               district_code varchar,
               created_at timestamptz not null
           );
           create table votes (
               session_id varchar not null,
               voter_token varchar not null,
               domain varchar not null,
               dots integer not null check (dots between 0 and 10),
               voted_at timestamptz not null,
               primary key (session_id, voter_token, domain)
           )""",
    ),
)
EQUAL_WEIGHTS = "Equal weights"
MAX_NAME_LENGTH = 80
MAX_WEIGHT = 10.0
# DuckDB allows one writer per file; the app's threads take turns.
_write_lock = threading.Lock()


class ScenarioError(ValueError):
    """A scenario was refused; the message says why."""


@dataclass(frozen=True)
class Scenario:
    name: str
    domain_weights: dict[str, float] = field(default_factory=dict)
    indicator_weights: dict[str, float] = field(default_factory=dict)
    note: str = ""


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations not yet applied; return the schema version."""
    con.execute(
        "create table if not exists schema_migrations (version integer primary key, applied_at timestamptz)"
    )
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    for version, statement in MIGRATIONS:
        if version in applied:
            continue
        con.execute("begin transaction")
        try:
            for part in statement.split(";"):
                if part.strip():
                    con.execute(part)
            con.execute(
                "insert into schema_migrations values ($version, $now)",
                {"version": version, "now": datetime.now(UTC)},
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return max(version for version, _ in MIGRATIONS)


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection with the schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock:
        con = duckdb.connect(str(path))
        try:
            migrate(con)
            yield con
        finally:
            con.close()


def validate(scenario: Scenario, domain_ids: set[str], indicator_ids: set[str]) -> Scenario:
    name = " ".join(scenario.name.split())
    if not name:
        raise ScenarioError("give the scenario a name")
    if len(name) > MAX_NAME_LENGTH:
        raise ScenarioError(f"the name is longer than {MAX_NAME_LENGTH} characters")
    if name.casefold() == EQUAL_WEIGHTS.casefold():
        raise ScenarioError(f"'{EQUAL_WEIGHTS}' is built in; choose another name")
    for label, weights, known in (
        ("domain", scenario.domain_weights, domain_ids),
        ("indicator", scenario.indicator_weights, indicator_ids),
    ):
        for key, weight in weights.items():
            if key not in known:
                raise ScenarioError(f"unknown {label} {key!r}")
            if not isinstance(weight, int | float) or not 0 <= weight <= MAX_WEIGHT:
                raise ScenarioError(
                    f"the weight for {key} must be a number from 0 to {MAX_WEIGHT:g}"
                )
    if scenario.domain_weights and not any(w > 0 for w in scenario.domain_weights.values()):
        raise ScenarioError("at least one domain needs a weight above 0")
    return Scenario(
        name, dict(scenario.domain_weights), dict(scenario.indicator_weights), scenario.note.strip()
    )


def save_scenario(path: Path, scenario: Scenario) -> None:
    """Insert or replace a (validated) scenario by name."""
    now = datetime.now(UTC)
    with connect(path) as con:
        con.execute(
            """insert into scenarios values ($name, $domains, $indicators, $note, $now, $now)
               on conflict (name) do update set domain_weights = excluded.domain_weights,
                   indicator_weights = excluded.indicator_weights, note = excluded.note,
                   updated_at = excluded.updated_at""",
            {
                "name": scenario.name,
                "domains": json.dumps(scenario.domain_weights),
                "indicators": json.dumps(scenario.indicator_weights),
                "note": scenario.note,
                "now": now,
            },
        )


def list_scenarios(path: Path) -> list[Scenario]:
    """The built-in equal weights first, then saved scenarios by name."""
    saved = []
    if path.exists():
        with connect(path) as con:
            rows = con.execute(
                "select name, domain_weights, indicator_weights, note from scenarios order by name"
            ).fetchall()
        saved = [Scenario(n, json.loads(d), json.loads(i), note or "") for n, d, i, note in rows]
    return [Scenario(EQUAL_WEIGHTS), *saved]


def delete_scenario(path: Path, name: str) -> None:
    with connect(path) as con:
        con.execute("delete from scenarios where name = $name", {"name": name})
