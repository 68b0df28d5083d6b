"""Shared fixtures: a small database built from hand-written fixtures, and (where the
official files are present) one built from the real data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from arp.build import build

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SOURCES_DIR = Path(__file__).parent / "fixtures" / "sources"
# The sources that have hand-written fixtures (see tests/fixtures/sources/README.md).
FIXTURE_SOURCE_IDS = (
    "lsoa21_boundaries",
    "msoa21_boundaries",
    "ward25_boundaries",
    "lad_boundaries",
    "lsoa21_ward24_lookup",
    "lsoa11_lsoa21_lookup",
    "msoa_names",
    "census_ts001_lsoa",
    "census_ts021_lsoa",
    "census_ts021_msoa",
    "census_ts045_lsoa",
    "stop_search_wmp",
    "codepoint_open",
    "gp_practices",
    "pharmacies",
    "libraries",
)


def artifacts_dir() -> Path:
    """Where a run keeps what CI should show after a failure (screenshots of failed browser
    tests, server logs; `make test` writes the pytest report there too): ARP_ARTIFACTS_DIR,
    by default build/ci-artifacts/ in the checkout."""
    folder = Path(os.environ.get("ARP_ARTIFACTS_DIR", REPO_ROOT / "build" / "ci-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def real_source_dir() -> Path:
    return Path(os.environ.get("ARP_TEST_SOURCE_DIR", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """A database built once from the fixtures, through the real build code path."""
    database = tmp_path_factory.mktemp("fixture_db") / "arp.duckdb"
    build(database, source_dir=FIXTURE_SOURCES_DIR, only=FIXTURE_SOURCE_IDS)
    return database


# The Nomis bulk TS021 LSOA file (all 20 categories), kept apart so that the default fixture
# database has only the 5-group LSOA export, as the data provided in the shared folder does.
DETAILED_LSOA_FIXTURE = Path(__file__).parent / "fixtures" / "ts021_lsoa_detailed"


@pytest.fixture(scope="session")
def fixture_db_detailed_lsoa(tmp_path_factory) -> Path:
    """The fixture database built with census2021-ts021-lsoa.csv beside the 5-group file."""
    folder = tmp_path_factory.mktemp("detailed_sources")
    sources = folder / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, sources)
    shutil.copy(DETAILED_LSOA_FIXTURE / "census2021-ts021-lsoa.csv", sources / "census")
    database = folder / "arp.duckdb"
    build(database, source_dir=sources, only=FIXTURE_SOURCE_IDS)
    return database


@pytest.fixture
def fixture_sources_copy(tmp_path) -> Path:
    """A writable copy of the fixture folder, for tests that damage a file."""
    target = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, target)
    return target


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    folder = real_source_dir()
    if not folder.is_dir():
        pytest.skip(
            f"the official source files are not at {folder} (set ARP_TEST_SOURCE_DIR); "
            "CI always has them"
        )
    return folder


@pytest.fixture(scope="session")
def real_db(real_data_dir, tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("real_db") / "arp.duckdb"
    build(database, source_dir=real_data_dir)
    return database


# --- the workshop store, on SQLite and on a real PostgreSQL server -------------------------


def _postgres_bin() -> Path | None:
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


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL cluster for the session: initdb under a temporary folder, started
    on a free loopback port with its unix socket in that folder; yields a function making a
    new empty database (its URL), and stops the server at the end."""
    import pwd
    import socket
    import subprocess
    import tempfile
    import uuid

    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
        )
    folder = Path(tempfile.mkdtemp(prefix="arp-pg-"))
    run_as: dict = {}
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = {"user": account.pw_uid, "group": account.pw_gid}
    data = folder / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = folder / "server.log"

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, **run_as)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "arp", "--auth=trust", "-E", "UTF8")
    run(
        str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
        "-c fsync=off",
        "start",
    )  # fmt: skip
    import sqlalchemy as sa

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
        subprocess.run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            **run_as,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A new, empty workshop store: a SQLite file, or a database on the test PostgreSQL
    server. Every pooled connection is closed afterwards."""
    from arp import workshop

    if request.param == "sqlite":
        yield tmp_path / "workshop.sqlite3"
    else:
        yield request.getfixturevalue("postgres_server")()
    workshop.dispose_all()
