"""A throw-away PostgreSQL server for the tests and the benchmark: initdb under a temporary
folder, started on a free loopback port with its unix socket in that folder, stopped and
removed afterwards. As root (initdb refuses root) it runs as the 'postgres' user."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class Unavailable(RuntimeError):
    """No PostgreSQL server binaries here (or no user to run them as); the message says why."""


def binaries() -> Path | None:
    """PostgreSQL's server binaries: ARP_PG_BIN, Debian's /usr/lib/postgresql/N/bin, or PATH."""
    named = os.environ.get("ARP_PG_BIN")
    candidates = [Path(named)] if named else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    return next(
        (c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None
    )


@contextmanager
def temporary_server() -> Iterator[Callable[[], str]]:
    """Yields a function that creates a new empty database and returns its postgresql:// URL."""
    import sqlalchemy as sa

    found = binaries()
    if found is None:
        raise Unavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql, "
            "or set ARP_PG_BIN"
        )
    run_as: dict = {}
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no 'postgres' user") from None
        run_as = {"user": account.pw_uid, "group": account.pw_gid}
    folder = Path(tempfile.mkdtemp(prefix="arp-pg-"))
    if run_as:
        os.chown(folder, run_as["user"], run_as["group"])
    data = folder / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, **run_as)

    pg_ctl = str(found / "pg_ctl")
    try:
        run(str(found / "initdb"), "-D", str(data), "-U", "arp", "--auth=trust", "-E", "UTF8")
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
            " -c fsync=off"
        )
        run(pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
            "-o", options, "start")  # fmt: skip
        admin = sa.create_engine(
            f"postgresql+psycopg://arp@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
        )

        def new_database() -> str:
            name = f"workshop_{uuid.uuid4().hex[:12]}"
            with admin.connect() as con:
                con.exec_driver_sql(f"create database {name}")
            return f"postgresql://arp@127.0.0.1:{port}/{name}"

        try:
            yield new_database
        finally:
            admin.dispose()
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True, **run_as
        )
        shutil.rmtree(folder, ignore_errors=True)
