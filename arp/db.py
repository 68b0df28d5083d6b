"""DuckDB access: connections, named SQL files, and the build queries."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
