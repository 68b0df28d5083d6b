"""The public database as a running app server reads it, across rebuilds.

`arp build` and `arp build --from-snapshot` replace the file in one rename (db.replaced_
atomically). A server that keeps reading must then (1) notice, so the next page run reads the
new file without a restart; (2) let runs already reading the old file finish on it; and
(3) close the old file once nobody reads it, so a server rebuilt under every week keeps
one file open, not one per rebuild.

A `VersionedReader` does that. Each version of the file (told apart by inode, modification
time and size) gets one read-only connection; a reader *leases* the version in place for as
long as it reads (a page run, app.py); the lease is returned when the run ends, and a
version that has been replaced is closed when its last lease is returned.

Why not `duckdb.connect(path)` for each new version: DuckDB keeps one database instance per
path in the process while any connection to it is open, and hands that instance back; after
a rename, connecting to the same path again while the old version is still open gives the
old, unlinked file. So each version is attached read-only to an in-memory database of its
own, which opens whatever file the path names at that moment.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

LOG = logging.getLogger(__name__)
CATALOG = "public_data"  # what the attached file is called inside its connection
# Replaced versions still leased beyond this many are closed anyway (their readers' next
# query fails): a run that never returns its lease must not pin old files forever. A page run
# lasts seconds and rebuilds come hours apart, so in practice none is ever forced.
KEEP_REPLACED = 3


@dataclass(frozen=True)
class FileVersion:
    """One version of the database file: a rename puts a new inode in place."""

    path: str
    inode: int
    modified_ns: int
    size: int

    @property
    def key(self) -> str:
        """The version as a short string, for cache keys and the map's geometry ids."""
        return f"{self.inode}-{self.modified_ns}-{self.size}"


def file_version(path: Path) -> FileVersion:
    info = os.stat(path)
    return FileVersion(str(path), info.st_ino, info.st_mtime_ns, info.st_size)


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The file at `path` read-only, as the default catalog of a new in-memory database (see
    the module's note: never a cached instance of an older file at the same path)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach ? as {CATALOG} (read_only)", [str(path)])
        con.execute(f"use {CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


class OpenVersion:
    """One version of the file with its connection, and how many leases it has out."""

    def __init__(self, version: FileVersion, connection: duckdb.DuckDBPyConnection) -> None:
        self.version = version
        self.connection = connection
        self.leases = 0
        self.replaced = False
        self.closed = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (DuckDB connections are not shared between threads), reading
        this version."""
        cursor = self.connection.cursor()
        cursor.execute(f"use {CATALOG}")
        return cursor

    def close(self) -> None:
        self.closed = True
        self.connection.close()


class VersionedReader:
    """Leases of the version of one database file in place at the time of asking.

    Thread-safe: every session's page run asks from its own thread. `on_new_version` is
    called (outside the lock) after a new version has been opened, e.g. to drop results
    cached from the old one. `connect` opens a version (tests count what it opens)."""

    def __init__(
        self,
        path: Path,
        on_new_version: Callable[[], None] | None = None,
        connect: Callable[[Path], duckdb.DuckDBPyConnection] = open_read_only,
    ) -> None:
        self.path = Path(path)
        self._on_new_version = on_new_version
        self._connect = connect
        self._lock = threading.Lock()
        self._current: OpenVersion | None = None
        self._replaced: list[OpenVersion] = []

    def acquire(self) -> OpenVersion:
        """The version in place now, leased until `release`. Opens it if it is new."""
        with self._lock:
            switched = False
            seen = file_version(self.path)
            if self._current is None or self._current.version != seen:
                self._switch_to(seen)
                switched = True
            assert self._current is not None
            self._current.leases += 1
            opened = self._current
        if switched and self._on_new_version is not None:
            self._on_new_version()
        return opened

    def release(self, opened: OpenVersion) -> None:
        with self._lock:
            opened.leases -= 1
            if opened.replaced and opened.leases == 0 and not opened.closed:
                self._replaced.remove(opened)
                opened.close()

    @contextmanager
    def lease(self) -> Iterator[OpenVersion]:
        opened = self.acquire()
        try:
            yield opened
        finally:
            self.release(opened)

    def open_versions(self) -> int:
        """Versions with an open connection: the one in place and replaced ones still read."""
        with self._lock:
            return len(self._replaced) + (self._current is not None)

    def close(self) -> None:
        """Close every version (a server shutting down, a test ending)."""
        with self._lock:
            for opened in [*self._replaced, *([self._current] if self._current else [])]:
                if not opened.closed:
                    opened.close()
            self._replaced.clear()
            self._current = None

    def _switch_to(self, seen: FileVersion) -> None:
        # The file may be replaced between looking at it and opening it: open, look again,
        # and keep the connection only if both looks agree (else it may hold either file).
        for _ in range(5):
            connection = self._connect(self.path)
            after = file_version(self.path)
            if after == seen:
                break
            connection.close()
            seen = after
        else:
            raise RuntimeError(f"{self.path} kept changing while it was being opened")
        previous, self._current = self._current, OpenVersion(seen, connection)
        if previous is None:
            return
        previous.replaced = True
        if previous.leases == 0:
            previous.close()
            return
        self._replaced.append(previous)
        while len(self._replaced) > KEEP_REPLACED:
            oldest = self._replaced.pop(0)
            LOG.warning(
                "closing a replaced version of %s still leased %d time(s)",
                self.path,
                oldest.leases,
            )
            oldest.close()
