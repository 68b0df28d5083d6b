"""SQL with judgement in it, on tiny hand-made tables (given rows, expect exact rows): the
IoD2019 mapping onto LSOA 2021, the life-expectancy matching onto MSOA 2021, and the
"areas inside an area" macro every read query uses."""

from __future__ import annotations

import duckdb
import pytest

from arp.settings import QUERIES_DIR

BUILD = QUERIES_DIR / "build"


def run(con, name):
    con.execute((BUILD / name).read_text(encoding="utf-8"))


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_iod2019_maps_unchanged_and_split_lsoas_and_says_why_not_for_the_others(con):
    con.execute(
        """create table deprivation_by_lsoa (lsoa21cd varchar, edition varchar, domain varchar,
               rank double, decile double, score double, score_source varchar,
               lsoa11cd varchar, mapping varchar)"""
    )
    con.execute(
        """create table deprivation_values (lsoa_code varchar, lsoa_year integer,
               domain varchar, measure varchar, value double)"""
    )
    con.execute(
        """insert into deprivation_values values
           ('E01000011', 2011, 'income', 'rank', 10), ('E01000011', 2011, 'income', 'decile', 1),
           ('E01000011', 2011, 'income', 'score', 0.4),
           ('E01000012', 2011, 'income', 'rank', 900), ('E01000012', 2011, 'income', 'decile', 3),
           ('E01000013', 2011, 'income', 'rank', 20), ('E01000014', 2011, 'income', 'rank', 30),
           ('E01000015', 2011, 'income', 'rank', 40)"""
    )
    con.execute(
        "create table src_lsoa11_lsoa21_lookup (lsoa11cd varchar, lsoa21cd varchar, change varchar)"
    )
    con.execute(
        """insert into src_lsoa11_lsoa21_lookup values
           ('E01000011', 'E01000011', 'U'),
           ('E01000012', 'E01000021', 'S'), ('E01000012', 'E01000022', 'S'),
           ('E01000013', 'E01000031', 'M'), ('E01000014', 'E01000031', 'M'),
           ('E01000015', 'E01000041', 'X')"""
    )
    run(con, "21_deprivation_2019_mapped.sql")
    rows = con.execute(
        "select lsoa21cd, rank, decile, score, lsoa11cd, mapping from deprivation_by_lsoa "
        "order by lsoa21cd"
    ).fetchall()
    assert rows == [
        ("E01000011", 10.0, 1.0, 0.4, "E01000011", "unchanged since 2011"),
        ("E01000021", 900.0, 3.0, None, "E01000012", "split since 2011: parent value"),
        ("E01000022", 900.0, 3.0, None, "E01000012", "split since 2011: parent value"),
        ("E01000031", None, None, None, None, "not mapped: LSOAs merged since 2011"),
        ("E01000041", None, None, None, None, "not mapped: LSOA redesigned since 2011"),
    ]


def test_life_expectancy_moves_only_to_msoas_that_are_the_same_area(con):
    # LSOA names carry the MSOA name plus a letter: "Alpha 001A" is in MSOA "Alpha 001".
    con.execute(
        """create table src_lsoa11_lsoa21_lookup (lsoa11nm varchar, lsoa21nm varchar,
                                                 lsoa11cd varchar, lsoa21cd varchar)"""
    )
    con.execute(
        """insert into src_lsoa11_lsoa21_lookup values
           ('Alpha 001A', 'Alpha 001A', 'a', 'a'), ('Alpha 001B', 'Alpha 001B', 'b', 'b'),
           ('Beta 001A', 'Beta 001A', 'c', 'c'), ('Beta 001B', 'Beta 002A', 'd', 'd')"""
    )
    con.execute("create table src_msoa_names (msoa21cd varchar, msoa21nm varchar)")
    con.execute(
        """insert into src_msoa_names values
           ('E02000001', 'Alpha 001'), ('E02000002', 'Beta 001'), ('E02000003', 'Beta 002')"""
    )
    con.execute(
        """create table src_life_expectancy_msoa11 (msoa11cd varchar, msoa11nm varchar,
               sex varchar, period varchar, life_expectancy double, ci_low double,
               ci_high double, deaths integer, population integer)"""
    )
    con.execute(
        """insert into src_life_expectancy_msoa11 values
           ('E02900001', 'Alpha 001', 'Persons', '2016-2020', 80.5, 79.9, 81.1, 300, 8000),
           ('E02900002', 'Beta 001', 'Persons', '2016-2020', 77.0, 76.2, 77.8, 350, 7000)"""
    )
    run(con, "30_life_expectancy_by_msoa.sql")
    rows = con.execute(
        "select msoa21cd, life_expectancy, msoa11cd, mapping from life_expectancy_by_msoa"
    ).fetchall()
    # Beta 001 (2011) was split across Beta 001 and Beta 002 (2021): neither takes its value.
    assert rows == [
        ("E02000001", 80.5, "E02900001", "same area as MSOA 2011"),
        ("E02000002", None, None, "not mapped: MSOA boundaries changed in 2021"),
        ("E02000003", None, None, "not mapped: MSOA boundaries changed in 2021"),
    ]


def test_areas_inside_an_area_include_the_area_itself_at_its_own_level(con):
    con.execute(
        """create table areas (code varchar, level varchar, msoa_code varchar,
               ward_code varchar, lad_code varchar, ca_code varchar)"""
    )
    con.execute(
        """insert into areas values
           ('L1', 'lsoa', 'M1', 'W1', 'D1', 'C'), ('L2', 'lsoa', 'M1', 'W2', 'D1', 'C'),
           ('L3', 'lsoa', 'M2', 'W3', 'D2', 'C'), ('M1', 'msoa', null, null, 'D1', 'C'),
           ('W1', 'ward', null, null, 'D1', 'C'), ('D1', 'lad', null, null, null, 'C'),
           ('D2', 'lad', null, null, null, 'C'), ('C', 'ca', null, null, null, null)"""
    )
    run(con, "06_macro_areas_inside.sql")

    def inside(within, level):
        rows = con.execute(
            "select code from areas_inside($w, $l) order by code", {"w": within, "l": level}
        )
        return [r[0] for r in rows.fetchall()]

    assert inside("D1", "lsoa") == ["L1", "L2"]
    assert inside("W1", "lsoa") == ["L1"]
    assert inside("C", "lad") == ["D1", "D2"]
    assert inside("D1", "lad") == ["D1"]
    assert inside("M1", "ward") == []  # wards do not nest in MSOAs
