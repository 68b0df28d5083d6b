"""The embedded snapshot on the fixture database: snapshot -> restore gives back every table
the app reads, exactly; a damaged bundle changes nothing; a restored database says so and
refuses partial work; `arp app` restores it when there is no database."""

from __future__ import annotations

import json
import os
import re
import shutil

import duckdb
import pandas as pd
import pytest

from arp import cli, settings, snapshot
from arp.build import BuildError, build, rescore
from tests.conftest import FIXTURE_SOURCES_DIR, REPO_ROOT

# Modules that run only inside `arp build`; everything else under arp/ serves the app.
BUILD_ONLY = {"build.py", "geography.py", "indicators.py", "snapshot.py"}
TABLE_REFERENCE = re.compile(r'\b(?:from|join)\s+"?([A-Za-z_][A-Za-z0-9_]*)', re.IGNORECASE)
TABLE_CHECK = re.compile(r'(?:has_table|_has)\([^,()]*(?:\(\))?,\s*"(\w+)"')


def app_code() -> dict[str, str]:
    """Every file of the app's own code and SQL, by path."""
    paths = [
        REPO_ROOT / "app.py",
        *sorted((REPO_ROOT / "pages").glob("**/*.py")),
        *sorted((REPO_ROOT / "queries" / "app").glob("**/*.sql")),
        *sorted(p for p in (REPO_ROOT / "arp").glob("**/*.py") if p.name not in BUILD_ONLY),
    ]
    return {str(p.relative_to(REPO_ROOT)): p.read_text(encoding="utf-8") for p in paths}


def names_the_app_queries(built_tables: set[str]) -> dict[str, set[str]]:
    """Table and view names the app's code reads, each with the files that read it: the
    words after `from`/`join` and the names passed to has_table that are tables or views of
    a full build (so CTE names and prose drop out)."""
    found: dict[str, set[str]] = {}
    for path, text in app_code().items():
        for name in {*TABLE_REFERENCE.findall(text), *TABLE_CHECK.findall(text)}:
            if name in built_tables:
                found.setdefault(name, set()).add(path)
    return found


def relations(database) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }


@pytest.fixture(scope="module")
def bundle(fixture_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("snapshot") / "bundle"
    snapshot.create(fixture_db, out)
    return out


@pytest.fixture(scope="module")
def restored(bundle, tmp_path_factory):
    database = tmp_path_factory.mktemp("restored") / "arp.duckdb"
    snapshot.restore(database, bundle)
    return database


def test_the_round_trip_gives_back_every_table_exactly(fixture_db, bundle, restored):
    manifest = json.loads((bundle / snapshot.MANIFEST).read_text())
    parts = {part.table: part for part in snapshot.PARTS}
    with (
        duckdb.connect(str(fixture_db), read_only=True) as built,
        duckdb.connect(str(restored), read_only=True) as back,
    ):
        present = {p for p in parts if p in relations(fixture_db)}
        assert set(manifest["tables"]) == present
        for table in manifest["tables"]:
            assert back.execute(f"describe {table}").fetchall() == (
                built.execute(f"describe {table}").fetchall()
            ), table
            expected = built.execute(
                f"select * from {table} where {parts[table].rows} order by all"
            ).df()
            got = back.execute(f"select * from {table} order by all").df()
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=table)
            assert manifest["tables"][table]["rows"] == len(expected)


def test_the_fixture_bundle_keeps_the_area_mapped_and_england(fixture_db, restored):
    with duckdb.connect(str(restored), read_only=True) as con:
        outside = con.execute(
            """select count(*) from indicator_values
               where not in_area and area_code <> 'E92000001'"""
        ).fetchall()[0][0]
        assert outside == 0
        lsoas = con.execute("select count(*) from areas where level = 'lsoa'").fetchall()[0][0]
        assert lsoas == 4


def test_views_exist_as_in_a_build(fixture_db, restored):
    def views(database):
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(
                "select view_name, sql from duckdb_views() where not internal order by 1"
            ).fetchall()

    assert views(restored) == views(fixture_db)
    assert ("indicator_values", "VIEW") in {
        tuple(r)
        for r in duckdb.connect(str(restored), read_only=True)
        .execute("select table_name, table_type from information_schema.tables")
        .fetchall()
    }


def test_every_table_and_view_the_app_queries_is_restored(fixture_db, restored):
    needed = names_the_app_queries(relations(fixture_db))
    # The extraction finds the app's main reads (if it stopped finding them, it is broken).
    assert {"areas", "sources", "indicator_values", "population_by_ethnicity"} <= set(needed)
    missing = {name: sorted(paths) for name, paths in needed.items()}
    for name in relations(restored):
        missing.pop(name, None)
    assert not missing, f"the app reads these, the snapshot lacks them: {missing}"


def test_the_manifest_describes_every_file(bundle):
    manifest = json.loads((bundle / snapshot.MANIFEST).read_text())
    assert manifest["format"] == "arp-snapshot"
    assert manifest["format_version"] == snapshot.FORMAT_VERSION
    assert manifest["database"]["sources_sha256"]
    files = {entry["file"] for entry in manifest["tables"].values()}
    assert files | {snapshot.MANIFEST, snapshot.ATTRIBUTION} == {p.name for p in bundle.iterdir()}
    for entry in manifest["tables"].values():
        path = bundle / entry["file"]
        assert snapshot.sha256_of(path) == entry["sha256"]
        assert path.stat().st_size == entry["bytes"]
        assert path.read_bytes()[:4] == b"PAR1"
    assert manifest["bytes"] == sum(e["bytes"] for e in manifest["tables"].values())


def test_attribution_lists_every_source_its_licence_and_how_it_was_made(fixture_db, bundle):
    text = (bundle / snapshot.ATTRIBUTION).read_text(encoding="utf-8")
    assert "`arp snapshot`" in text
    assert "official files" in text
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        sources = con.execute(
            "select source_id, title, licence, attribution, sha256 from sources"
        ).fetchall()
    for source_id, title, licence, attribution, sha256 in sources:
        for value in (source_id, title, licence, attribution, sha256):
            assert value in text, value
    assert "Open Parliament Licence" in text


def test_a_restored_database_says_where_it_came_from(bundle, restored):
    manifest = json.loads((bundle / snapshot.MANIFEST).read_text())
    found = snapshot.origin_of(restored)
    assert found is not None
    assert found.snapshot_created.isoformat() == manifest["created"]
    assert found.note.startswith(f"Showing the bundled snapshot of {found.snapshot_created.day} ")
    assert "`arp build`" in found.note


def test_a_built_database_has_no_snapshot_origin(fixture_db):
    assert snapshot.origin_of(fixture_db) is None


def test_a_damaged_bundle_is_refused_and_changes_nothing(bundle, restored, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(bundle, damaged)
    target = damaged / "areas.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(restored, database)
    before = database.read_bytes()
    with pytest.raises(snapshot.SnapshotError, match=r"areas\.parquet does not match its SHA-256"):
        snapshot.restore(database, damaged)
    assert database.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_a_bundle_of_another_format_version_is_refused(bundle, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(bundle, other)
    manifest = json.loads((other / snapshot.MANIFEST).read_text())
    manifest["format_version"] = snapshot.FORMAT_VERSION + 1
    (other / snapshot.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(snapshot.SnapshotError, match="version"):
        snapshot.restore(tmp_path / "arp.duckdb", other)
    assert not (tmp_path / "arp.duckdb").exists()


def test_no_bundle_says_how_to_make_one(tmp_path):
    with pytest.raises(snapshot.SnapshotError, match="arp snapshot"):
        snapshot.restore(tmp_path / "arp.duckdb", tmp_path / "nothing")


def test_a_restored_database_refuses_rescoring_and_partial_reloads(restored, tmp_path):
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(restored, database)
    with pytest.raises(BuildError, match="rebuild it from the official files with `arp build`"):
        rescore(database)
    with pytest.raises(BuildError, match="cannot be partly reloaded"):
        build(database, source_dir=FIXTURE_SOURCES_DIR, only=["msoa_names"])
    # Nor is a snapshot made of a snapshot: the bundle says it came from the official files.
    with pytest.raises(snapshot.SnapshotError, match="snapshotted again"):
        snapshot.create(database, tmp_path / "again")


def test_snapshot_will_not_replace_a_folder_that_is_not_a_bundle(fixture_db, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(snapshot.SnapshotError, match="neither empty nor a snapshot"):
        snapshot.create(fixture_db, folder)
    assert (folder / "notes.txt").read_text() == "keep me"


def test_snapshot_replaces_an_older_bundle_whole(fixture_db, bundle, tmp_path):
    out = tmp_path / "bundle"
    shutil.copytree(bundle, out)
    (out / "stale.parquet").write_bytes(b"old")
    snapshot.create(fixture_db, out)
    assert not (out / "stale.parquet").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in bundle.iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_cli_snapshot_and_build_from_snapshot(fixture_db, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert cli.main(["snapshot", "--db", str(fixture_db), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}" in printed
    assert "indicator_scores" in printed
    database = tmp_path / "arp.duckdb"
    assert cli.main(["build", "--from-snapshot", str(out), "--db", str(database)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert snapshot.origin_of(database) is not None
    assert cli.main(["build", "--from-snapshot", str(out), "--only", "msoa_names"]) == 2


def test_build_from_snapshot_defaults_to_the_bundled_one(monkeypatch, bundle, tmp_path):
    monkeypatch.setattr(snapshot, "DEFAULT_DIR", bundle)  # read when the parser is made
    database = tmp_path / "arp.duckdb"
    assert cli.main(["build", "--from-snapshot", "--db", str(database)]) == 0
    assert snapshot.origin_of(database) is not None


class Started(Exception):
    """Raised instead of exec'ing streamlit."""


@pytest.fixture
def app_start(monkeypatch, tmp_path, bundle):
    """Run `arp app` up to the point where it would start streamlit."""
    monkeypatch.setattr(snapshot, "DEFAULT_DIR", bundle)

    def execv(executable, command):
        raise Started(command)

    monkeypatch.setattr(os, "execv", execv)

    def start(database, source_dir=None):
        monkeypatch.setenv("ARP_DB", str(database))
        if source_dir is None:
            monkeypatch.delenv("ARP_SOURCE_DIR", raising=False)
        else:
            monkeypatch.setenv("ARP_SOURCE_DIR", str(source_dir))
        with pytest.raises(Started) as started:
            cli.main(["app", "--server.port", "8999"])
        return started.value.args[0]

    return start


def test_app_with_no_database_restores_the_snapshot_and_starts(app_start, tmp_path, capsys):
    database = tmp_path / "arp.duckdb"
    command = app_start(database)
    assert command[-2:] == ["--server.port", "8999"]
    assert str(settings.REPO_ROOT / "serve.py") in command  # app.py behind gzip
    assert "restoring the bundled snapshot" in capsys.readouterr().err
    assert snapshot.origin_of(database) is not None


def test_app_with_a_database_leaves_it_alone(app_start, fixture_db, tmp_path, capsys):
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    before = database.stat().st_mtime_ns
    app_start(database)
    assert database.stat().st_mtime_ns == before
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Restored" not in captured.out


def test_app_with_a_source_folder_builds_from_it_as_before(app_start, tmp_path, capsys):
    database = tmp_path / "arp.duckdb"
    app_start(database, source_dir=FIXTURE_SOURCES_DIR)
    err = capsys.readouterr().err
    assert f"building it from {FIXTURE_SOURCES_DIR}" in err
    assert "restoring" not in err
    # The fixtures lack required sources: the build stops and the app starts on Set up data.
    assert "Starting the app anyway" in err
    assert not database.exists()


def test_app_with_an_unusable_database_does_not_replace_it(app_start, tmp_path, capsys):
    database = tmp_path / "arp.duckdb"
    database.write_bytes(b"not a database")
    app_start(database)
    err = capsys.readouterr().err
    assert "is not usable" in err
    assert "arp build --from-snapshot" in err
    assert database.read_bytes() == b"not a database"
