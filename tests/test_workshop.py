"""The workshop database: versioned migrations and weighting scenarios."""

from __future__ import annotations

import duckdb
import pytest
from sqlalchemy import text

from arp import workshop
from arp.build import build, rescore
from arp.workshop import Scenario, ScenarioError
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR

DOMAINS = {"health", "housing"}


def test_migrations_run_once_and_record_the_version(store):
    with workshop.connect(store):
        pass
    workshop.dispose_all()  # a new process opening it again
    with workshop.connect(store) as con:
        versions = con.execute(text("select version from schema_migrations order by 1")).all()
    assert [v for (v,) in versions] == sorted(version for version, _ in workshop.MIGRATIONS)
    assert {1, 2, 3, 4, 5, 6, 7, 8, 9} <= {v for (v,) in versions}


def test_save_list_update_and_delete_a_scenario(store):
    path = store
    assert [s.name for s in workshop.list_scenarios(path)] == ["Equal weights"]
    workshop.save_scenario(path, Scenario("Room 2, 14 March", {"health": 2.0, "housing": 1.0}))
    workshop.save_scenario(path, Scenario("Room 2, 14 March", {"health": 3.0, "housing": 0.5}))
    scenarios = workshop.list_scenarios(path)
    assert [s.name for s in scenarios] == ["Equal weights", "Room 2, 14 March"]
    assert scenarios[1].domain_weights == {"health": 3.0, "housing": 0.5}
    workshop.delete_scenario(path, "Room 2, 14 March")
    assert len(workshop.list_scenarios(path)) == 1


def test_quotes_and_sql_in_a_name_are_stored_as_text(store):
    path = store
    name = "x'); drop table scenarios; --"
    workshop.save_scenario(path, Scenario(name, {"health": 1.0}))
    assert workshop.list_scenarios(path)[1].name == name


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (Scenario("   "), "give the scenario a name"),
        (Scenario("x" * 81), "longer than 80"),
        (Scenario("equal weights"), "built in"),
        (Scenario("a", {"wealth": 1.0}), "unknown domain 'wealth'"),
        (Scenario("a", {"health": -1.0}), "from 0 to 10"),
        (Scenario("a", {"health": 0.0, "housing": 0.0}), "at least one domain"),
    ],
)
def test_bad_scenarios_are_refused_with_the_reason(scenario, message):
    with pytest.raises(ScenarioError, match=message):
        workshop.validate(scenario, DOMAINS, set())


def test_validate_tidies_the_name():
    assert (
        workshop.validate(Scenario("  Room   2 ", {"health": 1.0}), DOMAINS, set()).name == "Room 2"
    )


def test_the_public_build_never_touches_the_workshop_file(tmp_path, monkeypatch):
    # As the defaults place them: the workshop file beside the database, named in
    # ARP_WORKSHOP_DB, and in use (a saved scenario) before any build runs.
    database = tmp_path / "arp.duckdb"
    path = tmp_path / "workshop.sqlite3"
    monkeypatch.setenv("ARP_DB", str(database))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(path))
    workshop.save_scenario(path, Scenario("kept", {"health": 1.0}))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    # A build, a rebuild of one source over it, and a rescore.
    build(database, source_dir=FIXTURE_SOURCES_DIR, only=FIXTURE_SOURCE_IDS)
    build(database, source_dir=FIXTURE_SOURCES_DIR, only=["msoa_names"])
    rescore(database)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert workshop.list_scenarios(path)[1].name == "kept"
    workshop.dispose_all()  # closing the last connection folds SQLite's WAL files away
    names = sorted(p.name for p in tmp_path.iterdir())
    # arp.duckdb.writing: the builds' lock file (arp.db.one_writer), empty between builds.
    assert names == ["arp.duckdb", "arp.duckdb.writing", "workshop.sqlite3"]
    assert (tmp_path / "arp.duckdb.writing").read_text() == ""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {r[0] for r in con.execute("show tables").fetchall()}
    assert "areas" in tables
    assert not tables & {"scenarios", "insights", "sessions", "votes", "schema_migrations"}
