"""nearest_service_km on tiny hand-made tables: given centres and services in British
National Grid metres, expect exact straight-line kilometres."""

from __future__ import annotations

import duckdb
import pytest

from arp.settings import QUERIES_DIR

MACRO = QUERIES_DIR / "build" / "44_macro_nearest_service_km.sql"


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """create table lsoa_centres (area_code varchar, easting double, northing double,
                                      centre_basis varchar, postcodes integer)"""
    )
    connection.execute(
        """insert into lsoa_centres values
           ('E01000001', 400000, 300000, 'mean of postcodes', 12),
           ('E01000002', 403000, 304000, 'interior point (no postcode)', 0)"""
    )
    connection.execute(
        "create table services (service_type varchar, name varchar, easting double, northing double)"
    )
    connection.execute(
        """insert into services values
           ('library', 'three-four-five', 403000, 304000),
           ('library', 'far', 410000, 300000),
           ('library', 'not located', null, null),
           ('pharmacy', 'next door', 400600, 300800)"""
    )
    connection.execute(MACRO.read_text(encoding="utf-8"))
    yield connection
    connection.close()


def nearest(con, kind):
    return dict(con.execute("select * from nearest_service_km($kind)", {"kind": kind}).fetchall())


def test_nearest_library_is_the_planar_distance_in_km(con):
    # 3,000 m east and 4,000 m north: 5 km; the second centre sits on the library.
    assert nearest(con, "library") == {"E01000001": 5.0, "E01000002": 0.0}


def test_only_services_of_the_kind_asked_count(con):
    # 600 m and 800 m: 1 km; from the second centre 2,400 m and 3,200 m: 4 km.
    assert nearest(con, "pharmacy") == {"E01000001": 1.0, "E01000002": 4.0}


def test_a_kind_with_no_located_service_gives_no_rows(con):
    assert nearest(con, "hospital") == {}
