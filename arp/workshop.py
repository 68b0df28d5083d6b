"""The workshop store: what people decide in the room, kept apart from the public data.

ARP_WORKSHOP_DB names it, and `arp build` never touches it. Two kinds of store, one schema:

- a path: a SQLite file (the embedded default, nothing to install), opened in WAL mode with a
  busy timeout and foreign keys on, so an analyst can read it from another process while the
  app saves, and 30 phones saving at once wait on SQLite's own write lock for milliseconds;
- a `postgresql://user:password@host:port/database` URL: PostgreSQL, for several replicas of
  the app behind one address (`postgresql+psycopg://` is accepted too).

It holds weighting scenarios, workshop sessions, insights with their moderation log, and dot
votes (arp.insights, arp.sessions and arp.transfer work on the same store).

Why SQLAlchemy Core with a small migrations table of its own, not Alembic: the schema is five
tables that grow by a migration now and then, and the app must migrate itself on first open
(a workshop laptop has no operator to run `alembic upgrade`). Core gives one connection pool
per process and URL, bound parameters and portable DDL (Identity, check constraints) on both
databases; the numbered migrations below, recorded in `schema_migrations` and run under a
lock in one transaction each (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), are
all the versioning this needs, with no second tool, config file or script folder to ship.
Migrations are frozen: each declares its own tables, so changing a later one never changes
what an earlier one created.

Every call takes a short transaction of its own (`connect`); the database, not a lock in the
process, orders concurrent writers. A DuckDB workshop file made by earlier versions is copied
into a SQLite file beside it the first time it is opened (`resolve`), and kept as the backup.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

Store = Path | str  # a SQLite path, or a postgresql:// URL
SQLITE_SUFFIX = ".sqlite3"
BUSY_TIMEOUT_MS = 30_000
# privacy_log (migration 5): purges and deletions, counts and who acted, never text.
# session_states, session_log, ballots (migration 7): the room console and one ballot each.
TABLES = (
    "scenarios",
    "sessions",
    "insights",
    "moderation_log",
    "votes",
    "privacy_log",
    "session_states",
    "session_log",
    "ballots",
)
# What a backup copies: the room's work and who did what. Facilitator accounts, sign-ins,
# failed sign-ins and the cookie key (migration 4) are never copied out of the store.
# framework_versions, insight_themes (migration 8): every saved framework; notes' themes.
BACKUP_TABLES = (*TABLES, "facilitator_log", "framework_versions", "insight_themes")


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _serial_id(name: str) -> sa.Column:
    """A generated primary key: an identity column on PostgreSQL, SQLite's rowid alias."""
    return sa.Column(
        name, sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.Identity(), primary_key=True
    )


def _migration_1(con: Connection) -> None:
    meta = sa.MetaData()
    sa.Table(
        "scenarios",
        meta,
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("domain_weights", sa.Text, nullable=False),  # JSON text
        sa.Column("indicator_weights", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        _ts("created_at"),
        _ts("updated_at"),
    )
    meta.create_all(con)


def _migration_2(con: Connection) -> None:
    meta = sa.MetaData()
    sa.Table(
        "insights",
        meta,
        _serial_id("insight_id"),
        # The double-tap guard: one row per submission token, whatever races.
        sa.Column("client_token", sa.String(200), nullable=False, unique=True),
        sa.Column("session_id", sa.String(64)),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("indicator_id", sa.String(128)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("age_band", sa.String(32)),
        sa.Column("ethnic_group", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        _ts("submitted_at"),
        _ts("moderated_at", nullable=True),
        sa.CheckConstraint("status in ('pending', 'approved', 'rejected')"),
        sa.CheckConstraint("length(text) <= 1000"),
    )
    sa.Table(
        "moderation_log",
        meta,
        sa.Column(
            "insight_id", sa.BigInteger, sa.ForeignKey("insights.insight_id"), nullable=False
        ),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("facilitator", sa.String(200), nullable=False),
        _ts("acted_at"),
        sa.Column("previous_text", sa.Text),
    )
    meta.create_all(con)


def _migration_3(con: Connection) -> None:
    meta = sa.MetaData()
    sa.Table(
        "sessions",
        meta,
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("venue", sa.String(200)),
        sa.Column("district_code", sa.String(16)),
        _ts("created_at"),
    )
    sa.Table(
        "votes",
        meta,
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("voter_token", sa.String(200), primary_key=True),
        sa.Column("domain", sa.String(64), primary_key=True),
        sa.Column("dots", sa.Integer, nullable=False),
        _ts("voted_at"),
        sa.CheckConstraint("dots between 0 and 10"),
    )
    meta.create_all(con)


def _migration_4(con: Connection) -> None:
    """Named facilitator accounts, their sign-ins (server-side, so a sign-out or a removed
    account ends them), failed sign-ins for throttling, the key that signs the sign-in cookie,
    and a log of who changed what."""
    meta = sa.MetaData()
    sa.Table(
        "facilitators",
        meta,
        sa.Column("name_key", sa.String(200), primary_key=True),  # the name, casefolded
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("hash_scheme", sa.String(32), nullable=False),
        sa.Column("iterations", sa.Integer, nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),  # hex
        sa.Column("password_hash", sa.String(128), nullable=False),  # hex
        _ts("created_at"),
        _ts("last_signed_in_at", nullable=True),
    )
    sa.Table(
        "facilitator_signins",
        meta,
        sa.Column("signin_id", sa.String(64), primary_key=True),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),  # set when the cookie is made
        sa.Column("handoff_hash", sa.String(64), nullable=True, unique=True),
        _ts("handoff_expires_at", nullable=True),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("revoked_at", nullable=True),
    )
    failures = sa.Table(
        "signin_failures",
        meta,
        _serial_id("failure_id"),
        sa.Column("scope", sa.String(16), nullable=False),  # 'account' or 'client'
        sa.Column("subject", sa.String(200), nullable=False),
        _ts("failed_at"),
        sa.CheckConstraint("scope in ('account', 'client')"),
    )
    sa.Index("signin_failures_by_subject", failures.c.scope, failures.c.subject)
    sa.Table(
        "signin_keys",
        meta,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("secret", sa.String(128), nullable=False),  # hex
        _ts("created_at"),
    )
    sa.Table(
        "facilitator_log",
        meta,
        _serial_id("entry_id"),
        _ts("acted_at"),
        sa.Column("facilitator", sa.String(200)),  # null: from the command line or a script
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text),
    )
    meta.create_all(con)


def _migration_5(con: Connection) -> None:
    """Privacy that holds (arp.privacy): each session's retention period, in days after the
    session (unapproved notes and the original wording of redacted notes are deleted when it
    ends); when a redacted note's original wording was purged; and a log of purges and
    deletions, which holds counts and who acted, never a note's text."""
    timestamp = sa.DateTime(timezone=True).compile(dialect=con.dialect)
    con.execute(text("alter table sessions add column retention_days integer not null default 30"))
    con.execute(text(f"alter table moderation_log add column original_purged_at {timestamp}"))
    meta = sa.MetaData()
    sa.Table(
        "privacy_log",
        meta,
        _serial_id("entry_id"),
        _ts("acted_at"),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("session_id", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),  # JSON: what was removed, counted
    )
    meta.create_all(con)


def _migration_6(con: Connection) -> None:
    # Street tiles on a session's capture map: off (0) unless a facilitator turns them on,
    # since every tile asks a third-party server for the area a participant is looking at.
    con.execute(text("alter table sessions add column street_tiles integer not null default 0"))


def _migration_7(con: Connection) -> None:
    """The room console: a session's state (capture and voting open or closed, results
    revealed, ended; when and by whom) and its log; one ballot per participant per session;
    what moderation undo needs; indexes so the moderation queue is paged, not scanned.

    Sessions made before it have no state row and read as the defaults of arp.room: taking
    notes, voting not yet open, results hidden (a facilitator opens voting on the console)."""
    meta = sa.MetaData()
    sessions = sa.Table("sessions", meta, sa.Column("session_id", sa.String(64), primary_key=True))

    def on_session() -> sa.ForeignKey:
        return sa.ForeignKey(sessions.c.session_id, ondelete="CASCADE")

    sa.Table(
        "session_states",
        meta,
        sa.Column("session_id", sa.String(64), on_session(), primary_key=True),
        sa.Column("capture_open", sa.Boolean, nullable=False),
        _ts("capture_changed_at", nullable=True),
        sa.Column("capture_changed_by", sa.String(200)),
        sa.Column("voting_open", sa.Boolean, nullable=False),
        _ts("voting_changed_at", nullable=True),
        sa.Column("voting_changed_by", sa.String(200)),
        sa.Column("results_revealed", sa.Boolean, nullable=False),
        _ts("results_changed_at", nullable=True),
        sa.Column("results_changed_by", sa.String(200)),
        _ts("ended_at", nullable=True),
        sa.Column("ended_by", sa.String(200)),
    )
    sa.Table(
        "session_log",
        meta,
        _serial_id("log_id"),
        sa.Column("session_id", sa.String(64), on_session(), nullable=False, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("facilitator", sa.String(200), nullable=False),
        _ts("acted_at"),
        sa.Column("detail", sa.String(200)),
    )
    # One row per participant per session: the ballot whose dots are the votes rows. Its
    # key is what a second submission (a reload, another tab) conflicts on and waits for.
    sa.Table(
        "ballots",
        meta,
        sa.Column("session_id", sa.String(64), on_session(), primary_key=True),
        sa.Column("voter_token", sa.String(200), primary_key=True),
        _ts("first_cast_at"),
        _ts("last_cast_at"),
        sa.Column("casts", sa.Integer, nullable=False),
    )
    meta.create_all(
        con, tables=[meta.tables[t] for t in ("session_states", "session_log", "ballots")]
    )
    # Undo: each action's number for its note (unique, so two facilitators acting on one
    # note at once cannot both succeed) and the status it replaced.
    con.execute(text("alter table moderation_log add column action_number integer"))
    con.execute(text("alter table moderation_log add column previous_status varchar(16)"))
    con.execute(
        text(
            "create unique index ix_moderation_log_action on moderation_log "
            "(insight_id, action_number)"
        )
    )
    # The note's session, copied at each action, so a session's latest decisions are one
    # index range (older lines keep null: they have no action number, so no undo either).
    con.execute(text("alter table moderation_log add column session_id varchar(64)"))
    con.execute(text("create index ix_moderation_log_acted_at on moderation_log (acted_at)"))
    con.execute(
        text("create index ix_moderation_log_session on moderation_log (session_id, acted_at)")
    )
    con.execute(text("create index ix_insights_status on insights (status, insight_id)"))
    con.execute(
        text("create index ix_insights_session on insights (session_id, status, insight_id)")
    )


def _migration_8(con: Connection) -> None:
    """Themes on notes (below), and framework versions (arp.framework_versions): every saved state of the framework, as
    the TOML text it exports, with who saved it, when, in which session and why. Version 1
    is the seed file, written the first time the store is asked for the framework. The
    version number is the key, so two facilitators saving on the same version cannot both
    succeed; the session is text, not a foreign key, so purging a session keeps history."""
    meta = sa.MetaData()
    sa.Table(
        "framework_versions",
        meta,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        _ts("saved_at"),
        sa.Column("saved_by", sa.String(200)),
        sa.Column("session_id", sa.String(64)),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    # Themes facilitators tag approved notes with (arp.themes): free text, one row per note
    # and theme, the theme's key its case-folded words so "Buses" and "buses" are one.
    insights = sa.Table("insights", meta, sa.Column("insight_id", sa.BigInteger, primary_key=True))
    sa.Table(
        "insight_themes",
        meta,
        sa.Column(
            "insight_id",
            sa.BigInteger,
            sa.ForeignKey(insights.c.insight_id, ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("theme_key", sa.String(80), primary_key=True),
        sa.Column("theme", sa.String(80), nullable=False),
        sa.Column("tagged_by", sa.String(200)),
        _ts("tagged_at"),
        sa.Index("ix_insight_themes_key", "theme_key"),
    )
    meta.create_all(con, tables=[meta.tables["framework_versions"], meta.tables["insight_themes"]])


def _migration_9(con: Connection) -> None:
    # The language a note was written in (arp.i18n's codes: "ur", "pa", ...), for the
    # facilitator reading it; null for notes from before, and for imported sticky notes.
    con.execute(text("alter table insights add column language varchar(16)"))


MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = (
    (1, _migration_1),
    (2, _migration_2),
    (3, _migration_3),
    (4, _migration_4),
    (5, _migration_5),
    (6, _migration_6),
    (7, _migration_7),
    (8, _migration_8),
    (9, _migration_9),
)
SCHEMA_VERSION = max(version for version, _ in MIGRATIONS)
EQUAL_WEIGHTS = "Equal weights"
MAX_NAME_LENGTH = 80
MAX_WEIGHT = 10.0


class ScenarioError(ValueError):
    """A scenario was refused; the message says why."""


@dataclass(frozen=True)
class Scenario:
    name: str
    domain_weights: dict[str, float] = field(default_factory=dict)
    indicator_weights: dict[str, float] = field(default_factory=dict)
    note: str = ""


# --- where the store is ---------------------------------------------------------------


def is_url(store: Store) -> bool:
    return isinstance(store, str) and store.startswith(("postgresql://", "postgresql+"))


def is_duckdb_file(path: Path) -> bool:
    """DuckDB files carry the magic bytes "DUCK" after an 8-byte checksum."""
    try:
        with path.open("rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def exists(store: Store) -> bool:
    """Whether there is anything to read: a PostgreSQL store always is, a file once made."""
    target = resolve(store)
    return isinstance(target, str) or target.exists()


_legacy_lock = threading.Lock()
# SQLite files known to be SQLite: never opened again to look at their header, because
# closing any descriptor of a file drops every POSIX lock this process holds on it,
# SQLite's included; another process closing its last connection would then remove the
# write-ahead log from under this process's pooled connections, which would go on
# reading the removed file and miss what others commit (tests/test_workshop_store.py).
_known_sqlite: set[Path] = set()


def resolve(store: Store) -> Path | str:
    """The SQLAlchemy URL's target: a PostgreSQL URL as given, or the SQLite file. A DuckDB
    file (the store of earlier versions) is copied, every table, into a SQLite file beside it
    (same name, .sqlite3) the first time; the DuckDB file is left untouched as the backup."""
    if is_url(store):
        return str(store)
    path = Path(store).expanduser()
    if path in _known_sqlite:
        return path
    if not is_duckdb_file(path):
        _known_sqlite.add(path)  # or missing: the engine makes it a SQLite file
        return path
    target = path.with_suffix(SQLITE_SUFFIX)
    with _legacy_lock:
        if not target.exists():
            migrate_duckdb_file(path, target)
    return target


def _url(store: Store) -> str:
    target = resolve(store)
    if isinstance(target, str):
        return target.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite+pysqlite:///{target.resolve()}"


# --- engines: one pool per process and URL ------------------------------------------------

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()  # taken only to create an engine, never around a save


def _sqlite_engine(url: str) -> Engine:
    engine = sa.create_engine(url, pool_size=8, max_overflow=32, pool_timeout=60)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin events issue BEGIN, not the driver's implicit one.
        dbapi_con.isolation_level = None
        cursor = dbapi_con.cursor()
        cursor.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("pragma journal_mode = wal")
        cursor.execute("pragma synchronous = normal")  # durable at each commit in WAL mode
        cursor.execute("pragma foreign_keys = on")
        # Deleted and purged text is overwritten on disk, not left in free pages.
        cursor.execute("pragma secure_delete = on")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(con: Connection) -> None:
        # Writers take the write lock at BEGIN (so two never deadlock upgrading a read);
        # readers begin deferred and never wait for a writer in WAL mode.
        write = con.info.pop("write", True)  # set by connect(); anything else writes
        con.exec_driver_sql("begin immediate" if write else "begin")

    return engine


def engine(store: Store) -> Engine:
    """The process's engine for a store, created (and the schema migrated) on first use."""
    url = _url(store)
    found = _engines.get(url)
    if found is not None:
        return found
    with _engines_lock:
        found = _engines.get(url)
        if found is not None:
            return found
        if url.startswith("sqlite"):
            Path(url.removeprefix("sqlite+pysqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            made = _sqlite_engine(url)
        else:
            made = sa.create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)
        migrate(made)
        _engines[url] = made
        return made


def dispose_all() -> None:
    """Close every pooled connection (tests, and before copying a file)."""
    with _engines_lock:
        for made in _engines.values():
            made.dispose()
        _engines.clear()
        _known_sqlite.clear()
    with _purge_lock:
        _last_purge.clear()


# Retention is enforced by whichever process uses the store: the first connection a process
# makes purges what is due (arp.privacy), and again once an hour while it keeps using it,
# so a venue laptop with no cron, or a replica, never keeps text past its retention.
PURGE_EVERY_S = 3600.0
_last_purge: dict[str, float] = {}
_purge_lock = threading.Lock()
_purging = threading.local()


def _purge_if_due(store: Store) -> None:
    if getattr(_purging, "active", False):
        return  # the purge's own connections
    url = _url(store)
    with _purge_lock:
        last = _last_purge.get(url)
        if last is not None and time.monotonic() - last < PURGE_EVERY_S:
            return
        _last_purge[url] = time.monotonic()
    from arp import privacy  # it builds on this module

    _purging.active = True
    try:
        privacy.purge_expired(store)
    except sa.exc.SQLAlchemyError:
        log.exception(
            "The retention purge of the workshop store failed; it runs again within the hour"
        )
    finally:
        _purging.active = False


def migrate(target: Engine) -> int:
    """Apply the migrations not yet applied, each once, in its own transaction; return the
    schema version. Several processes opening one store at once take turns."""
    for version, step in MIGRATIONS:
        with target.begin() as con:
            if con.dialect.name == "postgresql":
                con.execute(text("select pg_advisory_xact_lock(7262024)"))
            con.execute(
                text(
                    "create table if not exists schema_migrations "
                    "(version integer primary key, applied_at timestamp not null)"
                )
            )
            applied = {r[0] for r in con.execute(text("select version from schema_migrations"))}
            if version in applied:
                continue
            step(con)
            con.execute(
                text("insert into schema_migrations values (:version, :now)"),
                {"version": version, "now": datetime.now(UTC).replace(tzinfo=None)},
            )
    return SCHEMA_VERSION


@contextmanager
def connect(store: Store, *, write: bool = True) -> Iterator[Connection]:
    """A pooled connection in one short transaction, committed on leaving (rolled back on an
    error), with the schema up to date. `write=False` for reads, which then never wait.
    What retention says is due goes first (_purge_if_due)."""
    _purge_if_due(store)
    with engine(store).connect() as con:
        con.info["write"] = write
        with con.begin():
            yield con


def frame(result: sa.CursorResult) -> Any:
    """A query's rows as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


# --- the store of earlier versions -------------------------------------------------------


def migrate_duckdb_file(source: Path, target: Path) -> dict[str, int]:
    """Copy every table of a DuckDB workshop file into a new SQLite store; the rows copied per
    table. Written to a temporary file and renamed, so a crash leaves no half store."""
    import duckdb

    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(source), read_only=True) as old:
        present = {r[0] for r in old.execute("show tables").fetchall()}
        unknown = present - set(TABLES) - {"schema_migrations"}
        if unknown:
            raise RuntimeError(
                f"{source} has tables this version does not know ({', '.join(sorted(unknown))}); "
                "nothing was migrated"
            )
        made = _sqlite_engine(f"sqlite+pysqlite:///{partial.resolve()}")
        try:
            migrate(made)
            with made.connect() as con, con.begin():
                for table in TABLES:
                    if table not in present:
                        continue
                    cursor = old.execute(f'select * from "{table}"')
                    columns = [d[0] for d in cursor.description]
                    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                    if rows:
                        insert = text(
                            f"insert into {table} ({', '.join(columns)}) "
                            f"values ({', '.join(':' + c for c in columns)})"
                        )
                        con.execute(insert, rows)
                    counts[table] = con.execute(text(f"select count(*) from {table}")).scalar_one()
                    if counts[table] != len(rows):
                        raise RuntimeError(f"copying {table}: {len(rows)} rows became {counts}")
        finally:
            made.dispose()  # the last connection closed folds the WAL into the file
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    os.replace(partial, target)
    log.warning(
        "Migrated the DuckDB workshop file %s to SQLite at %s (%s); the DuckDB file is kept, "
        "untouched, as the backup.",
        source,
        target,
        ", ".join(f"{t}: {n} rows" for t, n in counts.items()),
    )
    return counts


# --- scenarios -----------------------------------------------------------------------


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


def save_scenario(path: Store, scenario: Scenario, *, by: str | None = None) -> None:
    """Insert or replace a (validated) scenario by name; `by` is the facilitator, logged."""
    now = datetime.now(UTC)
    with connect(path) as con:
        record_action(con, by, "saved scenario", scenario.name, now)
        con.execute(
            text(
                """insert into scenarios (name, domain_weights, indicator_weights, note,
                       created_at, updated_at)
                   values (:name, :domains, :indicators, :note, :now, :now)
                   on conflict (name) do update set domain_weights = excluded.domain_weights,
                       indicator_weights = excluded.indicator_weights, note = excluded.note,
                       updated_at = excluded.updated_at"""
            ),
            {
                "name": scenario.name,
                "domains": json.dumps(scenario.domain_weights),
                "indicators": json.dumps(scenario.indicator_weights),
                "note": scenario.note,
                "now": now,
            },
        )


def list_scenarios(path: Store) -> list[Scenario]:
    """The built-in equal weights first, then saved scenarios by name."""
    saved = []
    if exists(path):
        with connect(path, write=False) as con:
            rows = con.execute(
                text(
                    "select name, domain_weights, indicator_weights, note from scenarios "
                    "order by name"
                )
            ).fetchall()
        saved = [Scenario(n, json.loads(d), json.loads(i), note or "") for n, d, i, note in rows]
    return [Scenario(EQUAL_WEIGHTS), *saved]


def delete_scenario(path: Store, name: str, *, by: str | None = None) -> None:
    with connect(path) as con:
        record_action(con, by, "deleted scenario", name)
        con.execute(text("delete from scenarios where name = :name"), {"name": name})


# --- who changed what ----------------------------------------------------------------


def record_action(
    con: Connection,
    facilitator: str | None,
    action: str,
    subject: str | None = None,
    now: datetime | None = None,
) -> None:
    """One line in facilitator_log (in the caller's transaction) and in the server log: who
    (None: the command line or a script), what, and to what."""
    con.execute(
        text(
            "insert into facilitator_log (acted_at, facilitator, action, subject) "
            "values (:now, :who, :action, :subject)"
        ),
        {"now": now or datetime.now(UTC), "who": facilitator, "action": action, "subject": subject},
    )
    who = facilitator or "(no facilitator: command line)"
    log.info("%s: %s%s", who, action, f" {subject!r}" if subject else "")


def log_action(
    path: Store, facilitator: str | None, action: str, subject: str | None = None
) -> None:
    """record_action in a transaction of its own (builds, downloads: nothing else to write)."""
    with connect(path) as con:
        record_action(con, facilitator, action, subject)


def facilitator_log(path: Store, limit: int = 200) -> Any:
    """The latest entries of facilitator_log, newest first, as a DataFrame."""
    with connect(path, write=False) as con:
        return frame(
            con.execute(
                text(
                    "select acted_at, facilitator, action, subject from facilitator_log "
                    "order by entry_id desc limit :limit"
                ).columns(acted_at=sa.DateTime(timezone=True)),
                {"limit": limit},
            )
        )
