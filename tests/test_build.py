"""The build on hand-written fixtures: the areas hierarchy, totals up it, point placement,
atomic replacement, and refusal of bad input without touching the working database."""

from __future__ import annotations

import hashlib
import socket

import duckdb
import pytest

from arp import cli
from arp.build import BuildError, build
from arp.fetch import DownloadError, download_source
from data_loaders import SOURCES_BY_ID, Download
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR


def rows(database, sql, **params):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_areas_hierarchy(fixture_db):
    levels = dict(rows(fixture_db, "select level, count(*) from areas group by level"))
    assert levels == {"lsoa": 4, "msoa": 2, "ward": 3, "lad": 2, "ca": 1}
    lsoa = rows(
        fixture_db,
        "select code, parent_code, ward_code, lad_code, ca_code from areas where level = 'lsoa' order by code",
    )
    assert lsoa[0] == ("E01000901", "E02001001", "E05000901", "E08000025", "E47000007")
    assert lsoa[3] == ("E01000904", "E02001002", "E05000903", "E08000029", "E47000007")
    parents = dict(rows(fixture_db, "select code, parent_code from areas where level <> 'lsoa'"))
    assert parents["E02001001"] == "E08000025"  # MSOA -> district
    assert parents["E05000903"] == "E08000029"  # ward -> district
    assert parents["E08000029"] == "E47000007"  # district -> combined authority
    assert parents["E47000007"] is None
    # Coventry is in the lookups but has no LSOA boundary: it is not in the area mapped.
    assert "E08000026" not in parents


def test_msoas_carry_the_commons_library_name(fixture_db):
    names = rows(
        fixture_db, "select code, name, name_hcl from areas where level = 'msoa' order by code"
    )
    assert names == [
        ("E02001001", "Birmingham 001", "Test Hill & Vale"),
        ("E02001002", "Solihull 001", "Fixture Green"),
    ]


def test_every_area_has_full_and_display_geometry(fixture_db):
    (missing,) = rows(
        fixture_db,
        "select count(*) from areas where geometry_wkb is null or geometry_display_wkb is null",
    )[0]
    assert missing == 0


def test_population_by_ethnicity_totals_up_the_hierarchy(fixture_db):
    def residents(code, group):
        return rows(
            fixture_db,
            "select residents from population_by_ethnicity where area_code = $code and ethnic_group = $group",
            code=code,
            group=group,
        )[0][0]

    assert residents("E01000901", "Total") == 1500
    assert residents("E05000901", "Total") == 1500 + 1200  # ward = its two LSOAs
    assert residents("E08000029", "White") == 1150 + 1290
    assert residents("E47000007", "Total") == 1500 + 1200 + 1600 + 1400  # Coventry left out
    # detailed categories exist at MSOA and are summed from MSOAs for districts
    assert residents("E02001001", "Asian, Asian British or Asian Welsh: Pakistani") == 350
    assert residents("E47000007", "Asian, Asian British or Asian Welsh: Pakistani") == 350 + 80
    lsoa_groups = rows(
        fixture_db,
        "select distinct group_level from population_by_ethnicity where level = 'lsoa' order by 1",
    )
    assert lsoa_groups == [("broad",), ("total",)]  # the 5-group LSOA file provided


def test_every_stop_and_search_row_is_placed_or_counted(fixture_db):
    placements = dict(
        rows(
            fixture_db,
            "select coalesce(lsoa21cd, placement), count(*) from stop_search_events group by 1",
        )
    )
    assert placements == {
        "E01000901": 2,  # identical rows: two searches
        "E01000904": 1,
        "no coordinates": 1,
        "outside loaded areas": 1,
    }


def test_services_are_geocoded_by_postcode_and_placed(fixture_db):
    gps = dict(
        rows(
            fixture_db,
            "select service_code, coalesce(lsoa21cd, placement) from services where service_type = 'gp_practice'",
        )
    )
    assert gps == {"M00001": "E01000901", "M00004": "E01000904", "M00005": "postcode not found"}


def test_a_postcode_without_a_grid_point_has_no_coordinates(fixture_db):
    # Code-Point quality 90: no point. Not infinite coordinates, which would look placed.
    assert rows(
        fixture_db,
        "select latitude, longitude, placement from postcodes where postcode_key = 'B909ZZ'",
    ) == [(None, None, "no coordinates")]


def test_services_hold_only_libraries_and_pharmacies_people_walk_into(fixture_db):
    kept = rows(
        fixture_db,
        """select service_type, name from services
           where service_type in ('library', 'pharmacy') order by 1, 2""",
    )
    assert kept == [
        ("library", "Fixture Green Library"),
        ("library", "Test Hill Library"),
        ("pharmacy", "ISMAIL CHEMIST"),
        ("pharmacy", "TEST HILL PHARMACY"),
    ]
    # Nothing disappears: the raw layer keeps every row with the reason it was left out.
    libraries = dict(
        rows(fixture_db, "select excluded_because, count(*) from src_libraries group by 1")
    )
    assert libraries == {
        None: 2,
        "prison library": 1,
        "mobile library": 1,
        "archive": 1,
        "local history library": 1,
        "closed": 1,
    }
    pharmacies = dict(
        rows(fixture_db, "select excluded_because, count(*) from src_pharmacies group by 1")
    )
    assert pharmacies == {
        None: 2,
        "dispensing appliance contractor": 1,
        "distance-selling (by name)": 3,
        "closed": 2,
        "proposed": 1,
    }


def test_distance_centres_are_postcode_means_or_the_interior_point(fixture_db):
    centres = {
        code: (basis, round(east, 3), round(north, 3), count)
        for code, east, north, basis, count in rows(
            fixture_db,
            "select area_code, easting, northing, centre_basis, postcodes from lsoa_centres",
        )
    }
    assert centres["E01000901"] == ("mean of postcodes", 406600.0, 287400.0, 2)
    assert centres["E01000903"] == ("mean of postcodes", 406300.0, 286400.0, 1)
    assert centres["E01000904"] == ("mean of postcodes", 407500.0, 286500.0, 1)
    basis, east, north, count = centres["E01000902"]  # no postcode in it
    assert (basis, count) == ("interior point (no postcode)", 0)
    assert 407000 < east < 408000
    assert 287000 < north < 288000


def test_nearest_library_skips_the_out_of_scope_ones_next_door(fixture_db):
    km = dict(rows(fixture_db, "select * from nearest_service_km('library')"))
    # E01000903's centre is B2 2AA, where only out-of-scope libraries are; the nearest
    # public one is at B1 1AA, 200 m west and 1,100 m north of it.
    assert km["E01000903"] == pytest.approx((200**2 + 1100**2) ** 0.5 / 1000, abs=1e-6)
    assert km["E01000904"] == pytest.approx(0.0, abs=1e-6)  # a library at its only postcode
    assert km["E01000901"] == pytest.approx((100**2 + 100**2) ** 0.5 / 1000, abs=1e-6)
    value = rows(
        fixture_db,
        "select value from indicator_values where indicator_id = 'distance_pharmacy' "
        "and area_code = 'E01000903'",
    )[0][0]
    assert value == pytest.approx(km["E01000903"], abs=1e-6)  # same layout for pharmacies


def test_sources_table_records_every_file_with_hash_and_rows(fixture_db):
    records = rows(
        fixture_db,
        "select source_id, file_name, sha256, rows, licence, attribution from sources order by 1",
    )
    assert {r[0] for r in records} == set(FIXTURE_SOURCE_IDS)
    census = next(r for r in records if r[0] == "census_ts021_msoa")
    assert census[2] == sha256(FIXTURE_SOURCES_DIR / "census" / "census2021-ts021-msoa.csv")
    assert census[3] == 2 * 25
    assert census[4] == "Open Government Licence v3.0"
    assert all(r[5] for r in records)


def test_malformed_file_stops_the_build_and_leaves_the_database_untouched(
    tmp_path, fixture_sources_copy
):
    database = tmp_path / "arp.duckdb"
    build(database, source_dir=fixture_sources_copy, only=FIXTURE_SOURCE_IDS)
    before = sha256(database)
    ts021 = fixture_sources_copy / "census" / "census2021-ts021-msoa.csv"
    ts021.write_text(ts021.read_text().replace("geography code", "area"))
    with pytest.raises(
        BuildError, match=r"census_ts021_msoa: census2021-ts021-msoa.csv: missing column"
    ):
        build(database, source_dir=fixture_sources_copy, only=FIXTURE_SOURCE_IDS)
    assert sha256(database) == before
    left = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert left == ["arp.duckdb", "arp.duckdb.writing"]  # no temp left; the (empty) build lock


def test_rebuilding_one_source_keeps_the_others(tmp_path, fixture_sources_copy):
    database = tmp_path / "arp.duckdb"
    build(database, source_dir=fixture_sources_copy, only=FIXTURE_SOURCE_IDS)
    tally = fixture_sources_copy / "census" / "TS001_usual_residents_LSOA2021.csv"
    tally.write_text(tally.read_text().replace("1500,Birmingham 001A", "1501,Birmingham 001A"))
    build(database, source_dir=fixture_sources_copy, only=["census_ts001_lsoa"])
    assert rows(database, "select count(*) from stop_search_events")[0][0] == 5
    assert rows(
        database,
        "select count from census_counts where table_id = 'TS001' and area_code = 'E01000901'",
    ) == [(1501,)]


def test_missing_required_files_are_listed_with_their_official_download(tmp_path):
    with pytest.raises(BuildError, match="missing source files") as raised:
        build(tmp_path / "arp.duckdb", source_dir=FIXTURE_SOURCES_DIR)
    message = str(raised.value)
    assert (
        "iod2025_file1: no file named File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx" in message
    )
    assert "official download: https://" in message
    assert not (tmp_path / "arp.duckdb").exists()


def test_unknown_source_is_refused_with_the_known_ones(tmp_path):
    with pytest.raises(
        BuildError, match=r"unknown source.*no_such_source.*known: lsoa21_boundaries"
    ):
        build(tmp_path / "arp.duckdb", source_dir=FIXTURE_SOURCES_DIR, only=["no_such_source"])


def test_download_failure_says_how_to_build_offline(tmp_path):
    with socket.socket() as listener:  # a port on this machine that nothing answers
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    source = SOURCES_BY_ID["msoa_names"]
    unreachable = type(source)(
        **{
            **source.__dict__,
            "downloads": (Download(f"http://127.0.0.1:{port}/x.csv", "MSOA-Names-2.2.csv"),),
        }
    )
    with pytest.raises(DownloadError, match="arp build --source-dir FOLDER"):
        download_source(unreachable, tmp_path / "cache", show_progress=False)
    assert not list((tmp_path / "cache").rglob("*.part"))


def test_cli_build_reports_success_and_failure(tmp_path, capsys, fixture_sources_copy):
    database = tmp_path / "cli.duckdb"
    ok = cli.main(
        [
            "build",
            "--source-dir",
            str(fixture_sources_copy),
            "--db",
            str(database),
            "--only",
            "lsoa21_boundaries",
            "lsoa21_ward24_lookup",
        ]
    )
    assert ok == 0
    assert "Built" in capsys.readouterr().out
    (fixture_sources_copy / "geography" / "LSOA21_boundaries_fixture.geojson").write_text("")
    failed = cli.main(
        [
            "build",
            "--source-dir",
            str(fixture_sources_copy),
            "--db",
            str(database),
            "--only",
            "lsoa21_boundaries",
        ]
    )
    err = capsys.readouterr().err
    assert failed == 1
    assert "LSOA21_boundaries_fixture.geojson: the file is empty" in err
    assert f"The previous database {database} is unchanged." in err


def test_population_by_ethnicity_from_the_detailed_lsoa_file(fixture_db_detailed_lsoa):
    # census2021-ts021-lsoa.csv (tests/fixtures/ts021_lsoa_detailed) beside the 5-group file:
    # the bulk file is read, LSOAs carry all 20 categories, and wards and districts sum
    # detailed categories from LSOAs, not MSOAs (Pakistani: LSOAs 300 + 30, MSOA 350).
    def residents(code, group):
        return rows(
            fixture_db_detailed_lsoa,
            """select residents, summed_from from population_by_ethnicity
               where area_code = $code and ethnic_group = $group""",
            code=code,
            group=group,
        )

    pakistani = "Asian, Asian British or Asian Welsh: Pakistani"
    white_british = "White: English, Welsh, Scottish, Northern Irish or British"
    assert residents("E01000901", pakistani) == [(300, "published")]
    assert residents("E01000901", white_british) == [(380, "published")]
    assert residents("E05000901", pakistani) == [(300 + 30, "lsoa")]
    assert residents("E05000903", white_british) == [(1240, "lsoa")]  # ward of one LSOA
    assert residents("E08000025", pakistani) == [(330, "lsoa")]  # not the MSOA's 350
    assert residents("E47000007", white_british) == [(380 + 850 + 1050 + 1240, "lsoa")]
    assert residents("E02001001", pakistani) == [(350, "published")]  # MSOAs as published
    assert residents("E08000029", "White") == [(1150 + 1290, "lsoa")]
    counts = dict(
        rows(
            fixture_db_detailed_lsoa,
            """select group_level, count(distinct ethnic_group) from population_by_ethnicity
               where level = 'lsoa' group by 1""",
        )
    )
    assert counts == {"total": 1, "broad": 5, "detailed": 19}
    loaded = rows(
        fixture_db_detailed_lsoa,
        "select file_name from sources where source_id = 'census_ts021_lsoa'",
    )
    assert loaded == [("census2021-ts021-lsoa.csv",)]
