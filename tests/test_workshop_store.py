"""The workshop store itself: a DuckDB file of earlier versions migrated to SQLite without
losing a row, and an analyst reading the SQLite store from another process while the app
saves."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from arp import insights, sessions, settings, transfer, workshop

# The DuckDB workshop layout of earlier versions, exactly as their arp/workshop.py created
# it (migrations 1 to 3), kept here as the fixture of the old layout.
OLD_DUCKDB_MIGRATIONS = (
    (
        1,
        """create table scenarios (
               name varchar primary key,
               domain_weights json not null,
               indicator_weights json not null,
               note varchar,
               created_at timestamptz not null,
               updated_at timestamptz not null
           )""",
    ),
    (
        2,
        """create sequence insight_ids;
           create table insights (
               insight_id bigint primary key default nextval('insight_ids'),
               client_token varchar unique not null,
               session_id varchar,
               area_code varchar not null,
               domain varchar not null,
               indicator_id varchar,
               kind varchar not null,
               text varchar not null,
               age_band varchar,
               ethnic_group varchar,
               status varchar not null default 'pending',
               submitted_at timestamptz not null,
               moderated_at timestamptz,
               check (status in ('pending', 'approved', 'rejected')),
               check (length(text) <= 1000)
           );
           create table moderation_log (
               insight_id bigint not null,
               action varchar not null,
               facilitator varchar not null,
               acted_at timestamptz not null,
               previous_text varchar
           )""",
    ),
    (
        3,
        """create table sessions (
               session_id varchar primary key,
               title varchar not null,
               held_on date not null,
               venue varchar,
               district_code varchar,
               created_at timestamptz not null
           );
           create table votes (
               session_id varchar not null,
               voter_token varchar not null,
               domain varchar not null,
               dots integer not null check (dots between 0 and 10),
               voted_at timestamptz not null,
               primary key (session_id, voter_token, domain)
           )""",
    ),
)
# The tables of that layout (later migrations add more).
OLD_TABLES = ("scenarios", "sessions", "insights", "moderation_log", "votes")


OLD_TABLES = ("scenarios", "sessions", "insights", "moderation_log", "votes")


def old_duckdb_store(path):
    """A DuckDB workshop file as the earlier code left it, with rows in every table."""
    now = datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table schema_migrations (version integer primary key, applied_at timestamptz)"
        )
        for version, statement in OLD_DUCKDB_MIGRATIONS:
            for part in statement.split(";"):
                if part.strip():
                    con.execute(part)
            con.execute("insert into schema_migrations values (?, ?)", [version, now])
        con.execute(
            "insert into scenarios values ('Room 2', '{\"health\": 2.0}', '{}', 'kept', ?, ?)",
            [now, now],
        )
        con.execute(
            "insert into sessions values ('s1', 'Room', '2026-03-14', 'Library', null, ?)", [now]
        )
        for n in range(25):
            con.execute(
                "insert into insights (client_token, session_id, area_code, domain, kind, text,"
                " status, submitted_at) values (?, 's1', 'E01000901', 'health', 'barrier', ?, ?, ?)",
                [
                    f"token{n}",
                    f"note {n} '); drop table insights; --",
                    "approved" if n % 2 else "pending",
                    now,
                ],
            )
        con.execute("insert into moderation_log values (2, 'approve', 'fac', ?, null)", [now])
        con.execute("insert into moderation_log values (4, 'redact', 'fac', ?, 'was')", [now])
        con.execute("insert into votes values ('s1', 'a', 'health', 6, ?), ('s1', 'a', 'housing', 4, ?)", [now, now])  # fmt: skip
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in OLD_TABLES
        }


def test_a_duckdb_workshop_file_is_migrated_to_sqlite_without_losing_a_row(tmp_path, caplog):
    old = tmp_path / "workshop.duckdb"
    counts = old_duckdb_store(old)
    before = old.read_bytes()
    with caplog.at_level(logging.WARNING, logger="arp.workshop"):
        assert insights.listing(old, "approved")["insight_id"].tolist() == list(range(2, 26, 2))
    migrated = tmp_path / "workshop.sqlite3"
    assert migrated.exists()
    assert "Migrated the DuckDB workshop file" in caplog.text
    assert old.read_bytes() == before  # kept untouched, as the backup
    with closing(sqlite3.connect(f"file:{migrated}?mode=ro", uri=True)) as con:
        assert {
            t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in OLD_TABLES
        } == counts
    # Everything reads back through the app's functions, and the store keeps working.
    assert insights.listing(old, "pending")["text"].iloc[0] == "note 0 '); drop table insights; --"
    assert workshop.list_scenarios(old)[1] == workshop.Scenario(
        "Room 2", {"health": 2.0}, {}, "kept"
    )
    assert sessions.listing(old) == [sessions.Session("s1", "Room", date(2026, 3, 14), "Library")]
    assert sessions.results(old, "s1").set_index("domain")["dots"].to_dict() == {
        "health": 6,
        "housing": 4,
    }
    new = insights.save(old, insights.Insight("E01000901", "health", "idea", "after", True))
    assert new == 26  # ids carry on after the copied ones
    assert insights.save(old, insights.Insight("E01000901", "health", "idea", "x", True, client_token="token3")) == 4  # fmt: skip
    insights.moderate(old, new, "approve", "fac")
    assert len(insights.approved_for_areas(migrated, ["E01000901"])) == 13
    # Opened again (another process, a restart): the copy is used, not made again.
    workshop.dispose_all()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="arp.workshop"):
        assert len(insights.listing(old, "approved")) == 13
    assert "Migrated" not in caplog.text
    assert old.read_bytes() == before
    workshop.dispose_all()


def test_the_default_place_finds_an_old_duckdb_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ARP_WORKSHOP_DB", raising=False)
    monkeypatch.setattr(settings, "data_dir", lambda: tmp_path)
    assert settings.workshop_database_path() == tmp_path / "workshop.sqlite3"
    old_duckdb_store(tmp_path / "workshop.duckdb")
    assert settings.workshop_database_path() == tmp_path / "workshop.duckdb"
    assert len(insights.listing(settings.workshop_database_path(), "pending")) == 13
    assert settings.workshop_database_path() == tmp_path / "workshop.sqlite3"
    monkeypatch.setenv("ARP_WORKSHOP_DB", "postgresql://u@db.example/arp")
    assert settings.workshop_store_url() == "postgresql://u@db.example/arp"
    workshop.dispose_all()


def test_a_sqlite_store_is_in_wal_mode_with_foreign_keys(tmp_path):
    path = tmp_path / "workshop.sqlite3"
    with workshop.connect(path) as con:
        assert con.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("pragma foreign_keys").scalar() == 1
        assert con.exec_driver_sql("pragma busy_timeout").scalar() == workshop.BUSY_TIMEOUT_MS
    with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"), workshop.connect(path) as con:
        con.exec_driver_sql(
            "insert into moderation_log (insight_id, action, facilitator, acted_at) "
            "values (99, 'approve', 'f', '2026-01-01')"
        )
    workshop.dispose_all()


def test_an_analyst_reads_the_sqlite_store_from_another_process_while_the_app_saves(tmp_path):
    path = tmp_path / "workshop.sqlite3"
    transfer.backup(path)  # the store exists, with its schema
    analyst = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import sqlite3, time
                con = sqlite3.connect("file:{path}?mode=ro", uri=True, timeout=30)
                seen = 0
                deadline = time.monotonic() + 60
                while seen < 200 and time.monotonic() < deadline:
                    seen = con.execute(
                        "select count(*) from insights i left join moderation_log m "
                        "using (insight_id)").fetchone()[0]
                print(seen, flush=True)
            """),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[Exception] = []

    def saver(worker: int) -> None:
        try:
            for n in range(50):
                insights.save(
                    path, insights.Insight("E01000901", "health", "idea", f"{worker}/{n}", True)
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=saver, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out, err = analyst.communicate(timeout=90)
    assert errors == []
    assert analyst.returncode == 0, err
    assert err == ""
    assert int(out) == 200
    assert len(insights.listing(path, "pending")) == 200
    workshop.dispose_all()


def test_the_readme_analyst_example_reads_notes_beside_indicators(fixture_db, tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme[readme.index("**Analysts: notes beside indicators.**") :]
    begin = section.index("```python\n") + len("```python\n")
    code = section[begin : section.index("\n```", begin)]
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        codes = [
            row[0]
            for row in con.execute(
                "select area_code from indicator_values where indicator_id = 'asian_share' "
                "and level = 'lsoa' and in_area order by area_code"
            ).fetchall()
        ]
    notes = tmp_path / "workshop.sqlite3"
    for text_, status in (("kept", "approve"), ("also kept", "approve"), ("no", "reject")):
        saved = insights.save(notes, insights.Insight(codes[0], "health", "idea", text_, True))
        insights.moderate(notes, saved, status, "fac")
    insights.save(notes, insights.Insight(codes[0], "health", "idea", "pending", True))
    code = (
        code.replace("data/workshop.sqlite3", str(notes))
        .replace("data/arp.duckdb", str(fixture_db))
        .replace("imd_score_2025", "asian_share")  # an indicator the fixtures have
    )
    scope: dict = {}
    exec(code, scope)  # the app still holds its pool on the file: reading beside it is the point
    beside = scope["beside"].set_index("area_code")["insights"]
    assert sorted(beside.index) == codes
    assert beside[codes[0]] == 2  # approved only
    assert beside.drop(codes[0]).eq(0).all()
    scope["public"].close()
    workshop.dispose_all()


def test_this_process_keeps_its_sqlite_locks_while_another_comes_and_goes(tmp_path):
    """Opening a store again must not open and close its file (to read its header): closing
    any descriptor drops this process's POSIX locks, SQLite's included, and another process
    closing its last connection then removes the write-ahead log under this one's."""
    path = tmp_path / "workshop.sqlite3"
    sessions.create(path, "Room", date(2026, 3, 14))
    reader = workshop.engine(path).connect()  # an idle pooled connection, as the app keeps
    reader.info["write"] = False
    with reader.begin():
        assert reader.execute(sa.text("select count(*) from sessions")).scalar_one() == 1
    for _ in range(3):
        assert len(sessions.listing(path)) == 1  # more opens of the same store
    other = textwrap.dedent(
        f"""
        import sqlite3
        con = sqlite3.connect({str(path)!r}, isolation_level=None)
        con.execute("insert into sessions (session_id, title, held_on, created_at) "
                    "values ('s2', 'Another', '2026-03-15', '2026-03-15')")
        con.close()
        """
    )
    subprocess.run([sys.executable, "-c", other], check=True)
    assert Path(f"{path}-wal").exists()  # not removed: this process still has it open
    with reader.begin():
        assert reader.execute(sa.text("select count(*) from sessions")).scalar_one() == 2
    reader.close()
    assert len(sessions.listing(path)) == 2
    workshop.dispose_all()
