"""The bundle shipped in data/snapshot/ against a fresh build of the official files: same
files read, same rows, same values. A failure means the bundle is stale: run `make snapshot`."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from arp import snapshot
from tests.conftest import REPO_ROOT
from tests.test_snapshot import names_the_app_queries, relations

pytestmark = pytest.mark.real_data
SHIPPED = REPO_ROOT / "data" / "snapshot"
STALE = "the bundled snapshot differs from a fresh build of the official files: run `make snapshot`"
PARTS = {part.table: part for part in snapshot.PARTS}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    database = tmp_path_factory.mktemp("shipped") / "arp.duckdb"
    snapshot.restore(database, SHIPPED)
    with duckdb.connect(str(database), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def fresh(real_db):
    with duckdb.connect(str(real_db), read_only=True) as con:
        yield con


def test_made_from_the_same_official_files(shipped, fresh):
    query = "select source_id, file_name, file_bytes, sha256 from sources order by all"
    assert shipped.execute(query).fetchall() == fresh.execute(query).fetchall(), STALE


def test_every_table_has_the_rows_of_a_fresh_build(shipped, fresh):
    manifest = json.loads((SHIPPED / snapshot.MANIFEST).read_text(encoding="utf-8"))
    present = set(PARTS) & relations_of(fresh)
    assert set(manifest["tables"]) == present, STALE
    for table, part in PARTS.items():
        if table not in present:
            continue
        expected = fresh.execute(f"select count(*) from {table} where {part.rows}").fetchall()
        assert manifest["tables"][table]["rows"] == expected[0][0], f"{table}: {STALE}"
        assert shipped.execute(f"describe {table}").fetchall() == (
            fresh.execute(f"describe {table}").fetchall()
        ), f"{table} columns: {STALE}"


def relations_of(con) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main'"
    ).fetchall()
    return {row[0] for row in rows}


def frame(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df().reset_index(drop=True)


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("indicator_values", "*"),
        ("indicator_status", "*"),
        ("areas", "* exclude (geometry_wkb, geometry_display_wkb)"),
        ("population_by_ethnicity", "*"),
        ("stop_search_ethnicity", "*"),
        ("services", "*"),
    ],
)
def test_key_tables_hold_the_values_of_a_fresh_build(shipped, fresh, table, columns):
    rows = PARTS["indicator_scores" if table == "indicator_values" else table].rows
    got = frame(shipped, f"select {columns} from {table} order by all")
    expected = frame(fresh, f"select {columns} from {table} where {rows} order by all")
    try:
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, obj=table)
    except AssertionError as error:
        raise AssertionError(f"{table}: {STALE}\n{error}") from None


def test_in_area_indicator_values_cover_all_1719_lsoas(shipped):
    (lsoas,) = shipped.execute(
        """select count(distinct area_code) from indicator_values
           where level = 'lsoa' and in_area and indicator_id = 'imd_score_2025'"""
    ).fetchall()[0]
    assert lsoas == 1719


def test_every_table_the_app_queries_on_real_data_is_in_the_bundle(real_db, tmp_path):
    restored = tmp_path / "arp.duckdb"
    snapshot.restore(restored, SHIPPED)
    needed = names_the_app_queries(relations(real_db))
    missing = sorted(set(needed) - relations(restored))
    assert not missing, f"the app reads {missing}, the shipped snapshot lacks them"
