"""One build of a database at a time, whichever process starts it: a second is refused at
once (saying who holds it), and a holder that dies releases the lock with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from arp import db
from arp.build import BuildRunning, build
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR, REPO_ROOT

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from arp import db
    with db.one_writer(Path(sys.argv[1]), by="Grace Hopper"):
        print("holding", flush=True)
        time.sleep(60)
    """
)


def test_a_build_is_refused_while_another_process_builds(tmp_path):
    database = tmp_path / "arp.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        writer = db.current_writer(database)
        assert (writer["pid"], writer["by"]) == (holder.pid, "Grace Hopper")
        started = time.monotonic()
        with pytest.raises(BuildRunning, match="another build of the database is running by Grace"):
            build(database, source_dir=FIXTURE_SOURCES_DIR, only=FIXTURE_SOURCE_IDS)
        assert time.monotonic() - started < 3  # refused, not queued behind it
        assert not database.exists()
    finally:
        holder.kill()  # dies holding it: the kernel releases an flock with its process
        holder.wait()
    assert db.current_writer(database) is None
    report = build(database, source_dir=FIXTURE_SOURCES_DIR, only=FIXTURE_SOURCE_IDS, by="Ada")
    assert database.exists()
    assert report.loaded
    assert db.current_writer(database) is None


def test_two_builds_in_one_process_take_turns_by_refusal(tmp_path):
    """Two browser sessions are two threads of one server process: the second is refused."""
    database = tmp_path / "arp.duckdb"
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with db.one_writer(database, by="Ada"):
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(10)
        with (
            pytest.raises(db.DatabaseBusy, match="running by Ada since"),
            db.one_writer(database, by="Grace"),
        ):
            pytest.fail("two writers at once")
    finally:
        release.set()
        thread.join()
    with db.one_writer(database, by="Grace"):
        assert db.current_writer(database)["by"] == "Grace"
