"""DuckDB access: connections, named SQL files, and the build queries."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from arp.settings import QUERIES_DIR

REQUIRES = re.compile(r"^--\s*requires:\s*(.+)$", re.MULTILINE)


@contextmanager
def replaced_atomically(
    database: Path, start_from_existing: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a temporary database beside `database` (a copy of it when asked) that
    replaces it in one rename when the block ends without error, and is removed when not:
    readers see the old file or the new one, never half of either."""
    database.parent.mkdir(parents=True, exist_ok=True)
    temporary = database.with_name(f"{database.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    if start_from_existing and database.exists():
        shutil.copyfile(database, temporary)
    try:
        con = duckdb.connect(str(temporary))
        try:
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(temporary, database)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class DatabaseBusy(RuntimeError):
    """Another build (or rescore) of this database is running; the message says whose."""


def _writer_lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.writing")


@contextmanager
def one_writer(database: Path, by: str | None = None, wait_seconds: float = 0.5) -> Iterator[None]:
    """Hold the database's writer lock for the block, or raise DatabaseBusy: an flock on a
    file beside it, so a second build, in this process or another, is refused instead of
    racing the first (two builds at once once crashed each other). The kernel drops the lock
    with the process, so a crash leaves none behind. The file says who holds it."""
    path = _writer_lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    deadline = time.monotonic() + wait_seconds  # a status check holds it for microseconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise DatabaseBusy(describe_writer(current_writer(database))) from None
            time.sleep(0.05)
    try:
        holder = {"pid": os.getpid(), "by": by, "started": datetime.now(UTC).isoformat()}
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder))
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def current_writer(database: Path) -> dict | None:
    """Who is building the database now ({'pid', 'by', 'started'}; {} while the holder is
    still writing its name), or None when nobody is."""
    path = _writer_lock_path(database)
    if not path.exists():
        return None
    with path.open("r", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(handle.read() or "{}")
            except ValueError:
                return {}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def describe_writer(holder: dict | None) -> str:
    if holder is None:
        return "nobody is building the database"
    started = holder.get("started")
    when = f" since {datetime.fromisoformat(started):%H:%M} UTC" if started else ""
    who = f" by {holder['by']}" if holder.get("by") else ""
    return f"another build of the database is running{who}{when}"


def connect(path: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=read_only)


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main'"
    ).fetchall()
    return {row[0] for row in rows}


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return name in table_names(con)


def sql(name: str, folder: str = "app") -> str:
    """The text of queries/<folder>/<name>.sql."""
    path = QUERIES_DIR / folder / f"{name}.sql"
    if not path.exists():
        known = sorted(p.stem for p in (QUERIES_DIR / folder).glob("*.sql"))
        raise KeyError(f"no query {folder}/{name}.sql; known: {', '.join(known)}")
    return path.read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run a named app query with bound $parameters (never formatted into the text)."""
    return con.execute(sql(name), params).df()


def build_query_requirements(path: Path) -> list[str]:
    match = REQUIRES.search(path.read_text(encoding="utf-8"))
    return [t.strip() for t in match.group(1).split(",")] if match else []


def run_build_queries(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run queries/build/*.sql in name order; skip one whose inputs are absent. Returns skipped."""
    skipped = []
    for path in sorted((QUERIES_DIR / "build").glob("*.sql")):
        present = table_names(con)
        if not all(t in present for t in build_query_requirements(path)):
            skipped.append(path.stem)
            continue
        con.execute(path.read_text(encoding="utf-8"))
    return skipped
