"""A source is self-contained: a point dataset the product does not ship (schools, in
tests/new_source/) reaches `services`, is placed in LSOAs, is drawn on the map with its own
labels and colour, and feeds an indicator, from one module + one registry line, and one
SQL file + one framework entry, touching no other file. Mistakes in declaring one are loud."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from arp import db, maps
from arp.build import BuildError, build
from arp.framework import FRAMEWORK_PATH, INDICATOR_QUERIES, FrameworkError, parse_framework
from data_loaders import REGISTRY, SERVICE_TYPES, SOURCES_BY_ID
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR
from tests.new_source import schools

NEW_SOURCE = Path(__file__).parent / "new_source"
SCHOOLS_CSV = NEW_SOURCE / "edubasealldata20260301.csv"


def rows(database, sql, **params):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def source_folder(tmp: Path) -> Path:
    """The fixture folder with the schools file dropped in, as a user would."""
    folder = tmp / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, folder)
    (folder / "education").mkdir()
    shutil.copy(SCHOOLS_CSV, folder / "education")
    return folder


@pytest.fixture(scope="module")
def with_schools(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schools")
    # queries/indicators/ as it would be with distance_school.sql added to it
    queries = tmp / "indicators"
    shutil.copytree(INDICATOR_QUERIES, queries)
    shutil.copy(NEW_SOURCE / "distance_school.sql", queries)
    registry = REGISTRY.with_sources(*schools.SOURCES)  # the one registry line
    text = FRAMEWORK_PATH.read_text(encoding="utf-8")
    text += "\n" + (NEW_SOURCE / "framework_entry.toml").read_text(encoding="utf-8")
    framework = parse_framework(text, registry.by_id, queries)
    database = tmp / "arp.duckdb"
    build(
        database,
        source_dir=source_folder(tmp),
        only=(*FIXTURE_SOURCE_IDS, "schools"),
        registry=registry,
        framework=framework,
    )
    return database, registry


def test_the_new_source_touches_no_shipped_file():
    assert "schools" not in SOURCES_BY_ID
    assert "school" not in SERVICE_TYPES
    assert not (INDICATOR_QUERIES / "distance_school.sql").exists()
    assert "distance_school" not in FRAMEWORK_PATH.read_text(encoding="utf-8")
    # module, its fixture file, the SQL file and the framework entry: nothing else
    assert {p.name for p in NEW_SOURCE.iterdir() if p.suffix != ".pyc" and p.is_file()} == {
        "__init__.py",
        "schools.py",
        "edubasealldata20260301.csv",
        "distance_school.sql",
        "framework_entry.toml",
    }


def test_its_rows_reach_services_placed_in_lsoas(with_schools):
    database, _ = with_schools
    placed = rows(
        database,
        """select service_code, name, coalesce(lsoa21cd, placement) from services
           where service_type = 'school' order by service_code""",
    )
    assert placed == [
        ("900001", "Test Hill Primary School", "E01000901"),
        ("900002", "St Thérèse's Catholic Primary School", "E01000901"),  # Windows-1252 read
        ("900003", "Fixture Green Academy", "E01000904"),  # "b1  1ab" still geocoded
        ("900006", "Lost Lane School", "postcode not found"),
    ]
    # Out of scope rows stay countable in the raw layer, as for libraries and pharmacies.
    excluded = dict(rows(database, "select excluded_because, count(*) from src_schools group by 1"))
    assert excluded == {None: 4, "closed": 1, "proposed to open": 1}
    # The shipped service types are all still there.
    kinds = {r[0] for r in rows(database, "select distinct service_type from services")}
    assert kinds == {"gp_practice", "pharmacy", "library", "school"}
    (loaded,) = rows(database, "select title from sources where source_id = 'schools'")
    assert loaded == (schools.SCHOOLS.title,)


def test_its_points_are_drawn_with_their_own_labels_and_colour(with_schools):
    database, registry = with_schools
    with duckdb.connect(str(database), read_only=True) as con:
        points = db.query(con, "services_within", within="E47000007", types=["school", "library"])
    overlays = {o["name"]: o for o in maps.service_overlays(points, registry.service_types)}
    assert set(overlays) == {"Schools", "Public libraries"}
    assert overlays["Schools"]["fill"] == "#c51b7d"
    assert sorted(p[3] for p in overlays["Schools"]["points"]) == [
        "School: Fixture Green Academy",
        "School: St Thérèse's Catholic Primary School",
        "School: Test Hill Primary School",
    ]
    # The shipped registry does not know the type: an error, not anonymous grey dots.
    with pytest.raises(KeyError, match="service type 'school' is declared by no registered"):
        maps.service_overlays(points)


def test_one_sql_file_and_one_framework_entry_compute_an_indicator(with_schools):
    database, _ = with_schools
    (status,) = rows(
        database, "select status from indicator_status where indicator_id = 'distance_school'"
    )
    assert status == ("computed",)
    km = dict(
        rows(
            database,
            """select area_code, value from indicator_values
               where indicator_id = 'distance_school' and level = 'lsoa'""",
        )
    )
    # From each LSOA's postcode-weighted centre (tests/fixtures/sources/README.md):
    assert km["E01000901"] == pytest.approx(0.1414, abs=1e-4)  # (406600, 287400) to B1 1AD
    assert km["E01000903"] == pytest.approx(0.9849, abs=1e-4)  # its closed school not counted
    assert km["E01000904"] == pytest.approx(0.0)
    assert km["E01000902"] > 0  # measured from its interior point: it has no postcode
    assert rows(
        database,
        "select count(*) from indicator_values where indicator_id = 'distance_school' "
        "and level = 'ca' and value is not null",
    ) == [(1,)]


def test_a_missing_sql_file_is_named_when_query_is_left_to_default(tmp_path):
    registry = REGISTRY.with_sources(*schools.SOURCES)
    text = FRAMEWORK_PATH.read_text(encoding="utf-8")
    text += "\n" + (NEW_SOURCE / "framework_entry.toml").read_text(encoding="utf-8")
    with pytest.raises(FrameworkError) as raised:
        parse_framework(text, registry.by_id)  # the shipped folder has no distance_school.sql
    assert (
        "indicator 'distance_school': no query file queries/indicators/distance_school.sql "
        "(query defaults to the indicator's id)" in str(raised.value)
    )


def test_rows_of_an_undeclared_service_type_fail_the_build(tmp_path):
    def mislabelled(paths):
        tables = schools.load_schools(paths)
        services = tables["services"]
        services.loc[services["name"].str.contains("Infant|Primary"), "service_type"] = "nursery"
        return tables

    registry = REGISTRY.with_sources(dataclasses.replace(schools.SCHOOLS, load=mislabelled))
    database = tmp_path / "arp.duckdb"
    with pytest.raises(BuildError) as raised:
        build(database, source_dir=source_folder(tmp_path), only=["schools"], registry=registry)
    message = str(raised.value)
    assert "- schools: edubasealldata20260301.csv: table services: service type" in message
    assert "'nursery' (3 rows) not declared by source schools, which declares 'school'" in message
    assert not database.exists()


def test_a_loader_returning_an_undeclared_table_fails(tmp_path):
    def extra(paths):
        return {**schools.load_schools(paths), "phases": pd.DataFrame({"phase": ["Primary"]})}

    source = dataclasses.replace(schools.SCHOOLS, load=extra)
    with pytest.raises(ValueError, match=r"loader returned table\(s\) phases that source schools"):
        source.run([SCHOOLS_CSV])
