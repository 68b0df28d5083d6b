"""Reading the public database across rebuilds (arp.db_reader): a replaced file is picked up
by the next lease, reads already under way finish on the old file, and the old file is
closed once its last reader is done, or when too many old versions are still held."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest

from arp import db, db_reader


def build(database: Path, value: int) -> None:
    """A new version of the file, written as `arp build` writes one: a temporary file
    renamed over the old."""
    with db.replaced_atomically(database) as con:
        con.execute("create table facts as select $value as value", {"value": value})


def value(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select value from facts").fetchone()[0]


def handles(database: Path) -> tuple[int, int]:
    """This process's file descriptors on the file in place, and on replaced copies."""
    current = replaced = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        current += target == str(database)
        replaced += target == f"{database} (deleted)"
    return current, replaced


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "arp.duckdb"
    build(path, 1)
    return path


@pytest.fixture
def reader(database):
    opened = db_reader.VersionedReader(database)
    yield opened
    opened.close()


def test_a_rebuild_is_read_by_the_next_lease_and_the_old_file_closed(database, reader):
    with reader.lease() as first:
        assert value(first.cursor()) == 1
    build(database, 2)
    with reader.lease() as second:
        assert value(second.cursor()) == 2
        assert second.version != first.version
        assert first.closed  # nobody was reading it
        assert handles(database) == (1, 0)
    assert reader.open_versions() == 1


def test_a_read_under_way_finishes_on_the_old_file_which_closes_after_it(database, reader):
    old = reader.acquire()
    old_cursor = old.cursor()
    build(database, 2)
    with reader.lease() as new:
        assert value(new.cursor()) == 2
    # The old reader, still leased, reads the old file, whole and unchanged.
    assert value(old_cursor) == 1
    assert value(old.cursor()) == 1
    assert reader.open_versions() == 2
    assert handles(database) == (1, 1)
    reader.release(old)
    assert old.closed
    assert reader.open_versions() == 1
    assert handles(database) == (1, 0)
    with pytest.raises(duckdb.ConnectionException):
        old_cursor.execute("select 1")


def test_a_long_query_on_another_thread_outlives_the_switch(database, reader):
    with db.replaced_atomically(database) as con:
        con.execute("create table facts as select 1 as value")
        con.execute("create table numbers as select range as n from range(2000000)")
    started, switched = threading.Event(), threading.Event()
    result: list = []

    def read_slowly() -> None:
        with reader.lease() as old:
            cursor = old.cursor()
            started.set()
            try:
                # Heavy enough to be still running when the file is replaced.
                result.append(
                    cursor.execute(
                        "select count(*) from numbers a join numbers b on a.n = b.n"
                    ).fetchone()[0]
                )
                switched.wait(30)
                result.append(value(cursor))  # after the switch: still the old file
            except duckdb.Error as error:
                result.append(error)

    thread = threading.Thread(target=read_slowly)
    thread.start()
    assert started.wait(10)
    build(database, 2)
    with reader.lease() as new:
        assert value(new.cursor()) == 2
        assert reader.open_versions() == 2
    switched.set()
    thread.join(60)
    assert result == [2_000_000, 1]
    assert reader.open_versions() == 1
    assert handles(database) == (1, 0)


def test_replaced_versions_still_leased_are_bounded(database, reader):
    held = [reader.acquire()]
    for version in range(2, 2 + db_reader.KEEP_REPLACED + 2):
        build(database, version)
        held.append(reader.acquire())
        assert reader.open_versions() <= db_reader.KEEP_REPLACED + 1
    # The oldest were closed although leased; the newest kept for their readers.
    assert [h.closed for h in held] == [True, True] + [False] * (db_reader.KEEP_REPLACED + 1)
    assert value(held[-1].cursor()) == 2 + db_reader.KEEP_REPLACED + 1
    assert value(held[-2].cursor()) == 2 + db_reader.KEEP_REPLACED
    assert handles(database) == (1, db_reader.KEEP_REPLACED)
    for lease in held:
        reader.release(lease)  # returning a lease of a version closed by force is harmless
    assert reader.open_versions() == 1
    assert handles(database) == (1, 0)


def test_a_file_replaced_while_it_is_being_opened_is_labelled_as_what_was_opened(database):
    opened_paths = []

    def connect_while_a_rebuild_lands(path: Path) -> duckdb.DuckDBPyConnection:
        if not opened_paths:
            build(database, 2)  # lands between looking at the file and opening it
        opened_paths.append(path)
        return db_reader.open_read_only(path)

    reader = db_reader.VersionedReader(database, connect=connect_while_a_rebuild_lands)
    try:
        with reader.lease() as opened:
            assert value(opened.cursor()) == 2
            assert opened.version == db_reader.file_version(database)
        assert len(opened_paths) == 2  # the first connection, of unknown version, was dropped
    finally:
        reader.close()


def test_each_new_version_is_announced_once(database):
    announced = []
    reader = db_reader.VersionedReader(database, on_new_version=lambda: announced.append(1))
    try:
        for _ in range(3):
            with reader.lease():
                pass
        build(database, 2)
        for _ in range(3):
            with reader.lease():
                pass
        assert len(announced) == 2  # the first opening, and the rebuild
    finally:
        reader.close()


def test_a_broken_new_file_keeps_the_old_version_in_place(database, reader):
    with reader.lease() as first:
        assert value(first.cursor()) == 1
    replacement = database.with_name("broken")
    replacement.write_bytes(b"not a database")
    os.replace(replacement, database)
    with pytest.raises(duckdb.Error):
        reader.acquire()
    build(database, 3)
    with reader.lease() as fixed:
        assert value(fixed.cursor()) == 3
