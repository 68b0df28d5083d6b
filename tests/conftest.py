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


# A Code-Point Open file with more postcodes (B1 0, B10 0, B10 1, one outside the areas),
# kept apart so that the default fixture database's postcode centres stay as they are.
POSTCODE_SEARCH_FIXTURE = Path(__file__).parent / "fixtures" / "postcode_search" / "b.csv"


@pytest.fixture(scope="session")
def fixture_db_more_postcodes(tmp_path_factory) -> Path:
    """The fixture database built with postcode_search/b.csv as its Code-Point file."""
    folder = tmp_path_factory.mktemp("postcode_sources")
    sources = folder / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, sources)
    shutil.copy(POSTCODE_SEARCH_FIXTURE, sources / "codepoint" / "Data" / "CSV" / "b.csv")
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


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL server for the session (tests/pg_server.py); yields a function
    making a new empty database (its URL). Skipped where the server binaries are missing."""
    from tests import pg_server

    try:
        with pg_server.temporary_server() as new_database:
            yield new_database
    except pg_server.Unavailable as reason:
        pytest.skip(str(reason))


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
