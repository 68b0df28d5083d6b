"""The generic Census loader on hand-written files in each Nomis layout, and on bad files."""

from __future__ import annotations

import pytest

from arp.fetch import find_files
from data_loaders import SOURCES_BY_ID, LoaderError
from tests.conftest import DETAILED_LSOA_FIXTURE, FIXTURE_SOURCES_DIR

CENSUS = FIXTURE_SOURCES_DIR / "census"
BROAD_GROUPS = [
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed or Multiple ethnic groups",
    "White",
    "Other ethnic group",
]


def counts(source_id, path):
    return SOURCES_BY_ID[source_id].run([path])["counts"]


def test_report_layout_reads_code_and_name_cells_and_drops_percent_columns():
    table = counts("census_ts021_lsoa", CENSUS / "LSOA Ethnicity.csv")
    assert sorted(table["category"].unique()) == sorted(["Total", *BROAD_GROUPS])
    a = table[table["area_code"] == "E01000901"].set_index("category")["count"]
    assert a["Total"] == 1500
    assert a["Asian, Asian British or Asian Welsh"] == 600
    assert a[BROAD_GROUPS].sum() == a["Total"]
    assert table.loc[table["area_code"] == "E01000901", "area_name"].iloc[0] == "Birmingham 001A"
    # five areas, six categories; the footer note is not a row
    assert len(table) == 5 * 6


def test_bulk_layout_strips_the_topic_so_labels_match_the_report_layout():
    table = counts("census_ts021_msoa", CENSUS / "census2021-ts021-msoa.csv")
    categories = set(table["category"])
    assert set(BROAD_GROUPS) <= categories
    assert "White: English, Welsh, Scottish, Northern Irish or British" in categories
    assert len(categories) == 1 + 5 + 19
    birmingham = table[table["area_code"] == "E02001001"].set_index("category")["count"]
    assert birmingham["Total"] == 2700
    assert birmingham["Asian, Asian British or Asian Welsh: Pakistani"] == 350


def test_download_data_layout_with_mnemonic_column_and_footer():
    table = counts("census_ts001_lsoa", CENSUS / "TS001_usual_residents_LSOA2021.csv")
    assert list(table["category"].unique()) == ["Total"]
    assert table.set_index("area_code")["count"].to_dict() == {
        "E01000901": 1500,
        "E01000902": 1200,
        "E01000903": 1600,
        "E01000904": 1400,
        "E01000999": 1000,
    }


def test_a_renamed_code_column_is_still_found(tmp_path):
    # Some republished bulk files rename `geography code` to e.g. MSOA21CD (TS065 here).
    text = (
        (CENSUS / "census2021-ts021-msoa.csv").read_text().replace("geography code", "MSOA21CD", 1)
    )
    path = tmp_path / "census2021-ts021-msoa.csv"
    path.write_text(text)
    assert counts("census_ts021_msoa", path)["area_code"].nunique() == 2


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text.replace("geography code", "place"), "missing column 'geography code'"),
        (lambda text: text.replace("E02001002", "X99"), "do not look like"),
        (lambda text: text.rsplit(",", 5)[0], "truncated"),
        (
            lambda text: text.replace(",350,", ",three hundred,"),
            "non-numeric value 'three hundred'",
        ),
        (lambda text: "", "the file is empty"),
    ],
    ids=["missing-column", "wrong-codes", "truncated", "not-a-number", "empty"],
)
def test_bad_files_fail_with_the_file_name_and_the_problem(tmp_path, damage, message):
    path = tmp_path / "census2021-ts021-msoa.csv"
    path.write_text(damage((CENSUS / "census2021-ts021-msoa.csv").read_text()))
    with pytest.raises(LoaderError, match=message) as raised:
        counts("census_ts021_msoa", path)
    assert "census2021-ts021-msoa.csv" in str(raised.value)


def test_wrong_encoding_is_reported_not_garbled(tmp_path):
    path = tmp_path / "census2021-ts021-msoa.csv"
    text = (CENSUS / "census2021-ts021-msoa.csv").read_text().replace("Birmingham", "Brum\u00e9")
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(
        LoaderError, match=r"census2021-ts021-msoa\.csv: not in the expected text encoding"
    ):
        counts("census_ts021_msoa", path)


def test_report_layout_with_an_unexpected_row_is_refused(tmp_path):
    path = tmp_path / "LSOA Ethnicity.csv"
    text = (CENSUS / "LSOA Ethnicity.csv").read_text()
    path.write_text(text.replace("E01000903 : Solihull 001A", "Solihull 001A"))
    with pytest.raises(LoaderError, match="not 'CODE : NAME'"):
        counts("census_ts021_lsoa", path)


def test_ts021_lsoa_source_declares_the_nomis_bulk_file_with_all_20_categories():
    source = SOURCES_BY_ID["census_ts021_lsoa"]
    assert source.files[0] == "census2021-ts021-lsoa.csv"  # preferred over the 5-group export
    assert "LSOA Ethnicity.csv" in source.files
    (download,) = source.downloads
    assert download.url == "https://www.nomisweb.co.uk/output/census/2021/census2021-ts021.zip"
    assert download.member == "census2021-ts021-lsoa.csv"
    assert "all 20 categories" in source.notes
    # the same zip as the MSOA member
    assert SOURCES_BY_ID["census_ts021_msoa"].downloads[0].url == download.url


def test_bulk_lsoa_layout_gives_all_20_categories_for_every_fixture_lsoa():
    table = counts("census_ts021_lsoa", DETAILED_LSOA_FIXTURE / "census2021-ts021-lsoa.csv")
    msoa = counts("census_ts021_msoa", CENSUS / "census2021-ts021-msoa.csv")
    assert set(table["category"]) == set(msoa["category"])  # the MSOA member's columns
    assert len(set(table["category"])) == 1 + 5 + 19
    assert sorted(table["area_code"].unique()) == [
        "E01000901",
        "E01000902",
        "E01000903",
        "E01000904",
        "E01000999",
    ]
    assert set(table["level"]) == {"lsoa"}
    a = table[table["area_code"] == "E01000901"].set_index("category")["count"]
    assert a["Total"] == 1500
    assert a["White: English, Welsh, Scottish, Northern Irish or British"] == 380
    assert a["Asian, Asian British or Asian Welsh: Pakistani"] == 300
    assert a[BROAD_GROUPS].sum() == a["Total"]
    for broad in BROAD_GROUPS:
        detailed = [c for c in a.index if c.startswith(f"{broad}: ")]
        assert a[detailed].sum() == a[broad], broad
    # the broad groups agree with the 5-group export of the same (invented) LSOAs
    report = counts("census_ts021_lsoa", CENSUS / "LSOA Ethnicity.csv")
    merged = report.merge(table, on=["area_code", "category"], suffixes=("_report", "_bulk"))
    assert len(merged) == 5 * 6
    assert (merged["count_report"] == merged["count_bulk"]).all()


def test_the_bulk_lsoa_file_is_read_when_both_are_provided():
    candidates = [
        CENSUS / "LSOA Ethnicity.csv",
        DETAILED_LSOA_FIXTURE / "census2021-ts021-lsoa.csv",
    ]
    found = find_files(SOURCES_BY_ID["census_ts021_lsoa"], candidates)
    assert [p.name for p in found] == ["census2021-ts021-lsoa.csv"]
    assert find_files(SOURCES_BY_ID["census_ts021_lsoa"], candidates[:1]) == candidates[:1]
