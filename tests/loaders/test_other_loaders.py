"""Boundary, deprivation, stop-and-search and service loaders on hand-written fixtures."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pytest
import shapely

from data_loaders import SOURCES_BY_ID, LoaderError
from data_loaders.deprivation import domain_id
from tests.conftest import FIXTURE_SOURCES_DIR

GEOGRAPHY = FIXTURE_SOURCES_DIR / "geography"


def run(source_id, *paths):
    return SOURCES_BY_ID[source_id].run(list(paths))


def test_boundaries_in_british_national_grid_are_reprojected_to_wgs84():
    table = run("lsoa21_boundaries", GEOGRAPHY / "LSOA21_boundaries_fixture.geojson")["boundaries"]
    assert list(table["code"]) == ["E01000901", "E01000902", "E01000903", "E01000904"]
    polygon = shapely.from_wkb(table["geometry_wkb"].iloc[0])
    west, south, east, north = polygon.bounds
    # 406,000-407,000 E and 287,000-288,000 N is just west of Birmingham city centre.
    assert -1.92 < west < east < -1.89
    assert 52.48 < south < north < 52.495


def test_boundary_file_with_wrong_codes_is_refused(tmp_path):
    path = tmp_path / "LSOA21_boundaries_bad.geojson"
    path.write_text(
        (GEOGRAPHY / "LSOA21_boundaries_fixture.geojson")
        .read_text()
        .replace("E01000903", "E0100903")
    )
    with pytest.raises(LoaderError, match=r"LSOA21_boundaries_bad.geojson: .*'E0100903'"):
        run("lsoa21_boundaries", path)


def test_boundary_file_that_is_not_geojson_is_refused(tmp_path):
    path = tmp_path / "LSOA21_boundaries_bad.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(LoaderError, match="not a readable boundary file"):
        run("lsoa21_boundaries", path)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Index of Multiple Deprivation (IMD)", "imd"),
        ("Income Deprivation Affecting Children Index (IDACI)", "idaci"),
        ("Income Deprivation Affecting Older People (IDAOPI)", "idaopi"),
        ("Education, Skills and Training", "education"),
        ("Barriers to Housing and Services", "barriers"),
        ("Children and Young People Sub-domain", "children_and_young_people_sub_domain"),
    ],
)
def test_domain_ids(label, expected):
    assert domain_id(label) == expected


def _iod_workbook(path, rows):
    """An IoD2025 File 1 workbook: a Notes sheet and the IMD25 sheet, as MHCLG publishes."""
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "English Indices of Deprivation 2025"
    sheet = book.create_sheet("IMD25")
    sheet.append(
        [
            "LSOA code (2021)",
            "LSOA name (2021)",
            "Local Authority District code (2024)",
            "Local Authority District name (2024)",
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA",
        ]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_iod2025_file1_workbook_gives_rank_and_decile(tmp_path):
    path = tmp_path / "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx"
    _iod_workbook(
        path,
        [
            ["E01000901", "Birmingham 001A", "E08000025", "Birmingham", 120, 1],
            ["E01000902", "Birmingham 001B", "E08000025", "Birmingham", 30001, 9],
        ],
    )
    values = run("iod2025_file1", path)["values"]
    pivot = values.pivot_table(index="lsoa_code", columns="measure", values="value")
    assert pivot.loc["E01000901"].to_dict() == {"decile": 1.0, "rank": 120.0}
    assert set(values["domain"]) == {"imd"}
    assert set(values["lsoa_year"]) == {2021}


def test_iod2025_file7_layout_gives_every_domain_score(tmp_path):
    # File 7 is not staged here; its layout is the published CSV's (one column per measure).
    path = tmp_path / "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    path.write_text(
        "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
        "Local Authority District name (2024),Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Income Score (rate),Income Rank (where 1 is most deprived),"
        "Living Environment Score,Total population: mid 2022\n"
        "E01000901,Birmingham 001A,E08000025,Birmingham,52.3,120,0.41,88,30.5,1500\n"
    )
    values = run("iod2025_file7", path)["values"].set_index(["domain", "measure"])["value"]
    assert values[("imd", "score")] == 52.3
    assert values[("income", "score")] == 0.41
    assert values[("living_environment", "score")] == 30.5
    assert ("total_population", "score") not in values.index  # denominators are not domains


def test_iod_workbook_without_lsoa_column_is_refused(tmp_path):
    path = tmp_path / "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Area", "Rank"])
    book.save(path)
    with pytest.raises(LoaderError, match="no sheet has an 'LSOA code"):
        run("iod2025_file1", path)


def test_stop_and_search_keeps_duplicates_and_rows_without_coordinates():
    path = FIXTURE_SOURCES_DIR / "police" / "2024-01-west-midlands-stop-and-search.csv"
    events = run("stop_search_wmp", path)["events"]
    assert len(events) == 5  # two identical rows are two people, not one
    assert events["latitude"].isna().sum() == 1
    assert set(events["month"]) == {"2024-01"}
    assert list(events["row_in_file"]) == [1, 2, 3, 4, 5]


def test_stop_and_search_file_missing_a_column_is_refused(tmp_path):
    source = FIXTURE_SOURCES_DIR / "police" / "2024-01-west-midlands-stop-and-search.csv"
    path = tmp_path / source.name
    path.write_text(source.read_text().replace("Self-defined ethnicity", "Ethnicity"))
    with pytest.raises(LoaderError, match=r"missing column.*Self-defined ethnicity"):
        run("stop_search_wmp", path)


def test_gp_practices_are_active_ro76_only_and_postcodes_normalised():
    services = run("gp_practices", FIXTURE_SOURCES_DIR / "health" / "epraccur.csv")["services"]
    assert list(services["service_code"]) == ["M00001", "M00004", "M00005"]
    assert services.set_index("service_code").loc["M00004", "postcode_key"] == "B11AB"


def test_gp_practices_old_ods_coding_is_understood(tmp_path):
    # Older epraccur files: status A/C and prescribing setting 4 for a GP practice.
    path = tmp_path / "epraccur.csv"
    path.write_text(
        '"M1","OLD STYLE","Y60","QHL","","","","","","B1 1AA","19740401","","A","B","15E",'
        '"20200401","","","","","","1","","15E","","4",""\n'
        '"M2","OLD CLOSED","Y60","QHL","","","","","","B1 1AA","19740401","","C","B","15E",'
        '"20200401","","","","","","1","","15E","","4",""\n'
    )
    assert list(run("gp_practices", path)["services"]["service_code"]) == ["M1"]


def test_hospitals_file_with_not_sign_separator_and_windows_1252():
    services = run("hospitals", FIXTURE_SOURCES_DIR / "health" / "Hospital.csv")["services"]
    row = services.iloc[0]
    assert row["name"] == "St Fixture\u2019s Hospital"  # 0x92 in Windows-1252
    assert (row["latitude"], row["longitude"]) == (52.485382, -1.90571)


def test_code_point_open_without_header_and_quality_90_has_no_point():
    path = FIXTURE_SOURCES_DIR / "codepoint" / "Data" / "CSV" / "b.csv"
    postcodes = run("codepoint_open", path)["postcodes"].set_index("postcode_key")
    assert postcodes.loc["B11AA", ["easting", "northing"]].tolist() == [406500.0, 287500.0]
    assert postcodes.loc["B909ZZ", ["easting", "northing"]].isna().all()


def test_geopandas_reads_the_fixture_crs():
    # Guards the fixtures themselves: they declare British National Grid like lad23buc.geojson.
    frame = gpd.read_file(GEOGRAPHY / "LSOA21_boundaries_fixture.geojson")
    assert frame.crs.to_epsg() == 27700


def test_pharmacies_keep_every_row_and_say_why_one_is_out_of_scope():
    services = run("pharmacies", FIXTURE_SOURCES_DIR / "health" / "edispensary.csv")["services"]
    reasons = services.set_index("service_code")["excluded_because"].fillna("in scope").to_dict()
    assert reasons == {
        "FX001": "in scope",
        "FX002": "in scope",  # ISMAIL: "MAIL" only as a whole word
        "FX003": "dispensing appliance contractor",
        "FX004": "distance-selling (by name)",
        "FX005": "distance-selling (by name)",
        "FX006": "distance-selling (by name)",
        "FX007": "closed",
        "FX008": "proposed",
        "FX009": "closed",
    }


def test_distance_selling_name_rule_leaves_high_street_names_alone():
    from data_loaders.services import DISTANCE_SELLING_NAME

    caught = ["ONLINE PHARMACY 4U", "MEDICINES2HOME.COM", "MAIL MY MEDS", "WWW.X-CHEMIST.COM"]
    assert all(DISTANCE_SELLING_NAME.search(name) for name in caught)
    kept = ["LARVIC ISMAIL PHARMACY", "BOOTS", "COMMUNITY CHEMIST", "HOME FARM PHARMACY"]
    assert not any(DISTANCE_SELLING_NAME.search(name) for name in kept)


def test_libraries_in_scope_are_open_static_public_libraries_only():
    path = FIXTURE_SOURCES_DIR / "libraries" / "libraries_england_2023.csv"
    services = run("libraries", path)["services"]
    reasons = services.set_index("name")["excluded_because"].fillna("in scope").to_dict()
    assert reasons == {
        "Test Hill Library": "in scope",
        "Fixture Green Library": "in scope",  # "Static library": the file's case varies
        "HMP Fixture Library": "prison library",
        "Mobile Library": "mobile library",
        "Fixture Archives": "archive",
        "Fixture Local History Centre": "local history library",
        "Old Road Library": "closed",
    }


def test_library_of_an_unknown_type_is_excluded_and_named(tmp_path):
    source = FIXTURE_SOURCES_DIR / "libraries" / "libraries_england_2023.csv"
    path = tmp_path / source.name
    path.write_text(
        source.read_text(encoding="utf-8-sig").replace("Prison Library", "Pop-up Library"),
        encoding="utf-8-sig",
    )
    services = run("libraries", path)["services"].set_index("name")
    assert services.loc["HMP Fixture Library", "excluded_because"] == (
        "type 'Pop-up Library', not a static library"
    )
