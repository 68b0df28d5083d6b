"""Gaps between ethnic groups on the fixture database, worked out by hand from the fixtures."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
import pytest

from arp import cli, gaps
from arp.framework import load_framework

BLACK = "Black, Black British, Black Welsh, Caribbean or African"
ASIAN = "Asian, Asian British or Asian Welsh"


@pytest.fixture
def con(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        yield connection


def test_exposure_to_no_car_households_by_broad_group(con):
    # no_car by LSOA: 50, 20, 20, 10 (%). Asian residents 600, 100, 200, 50 (950):
    # (600x50 + 100x20 + 200x20 + 50x10) / 950 = 36,500 / 950. White 450, 950, 1150, 1290:
    # 77,400 / 3,840. All residents 1500, 1200, 1600, 1400: 145,000 / 5,700.
    table = gaps.exposure(con, load_framework().indicators["no_car"], "E47000007").set_index(
        "ethnic_group"
    )
    assert table.loc[ASIAN, "residents"] == 950
    assert table.loc[ASIAN, "mean_value"] == pytest.approx(36_500 / 950)
    assert table.loc["White", "mean_value"] == pytest.approx(77_400 / 3_840)
    assert table.loc["All residents", "mean_value"] == pytest.approx(145_000 / 5_700)
    assert table.loc[ASIAN, "ratio_to_reference"] == pytest.approx(
        (36_500 / 950) / (77_400 / 3_840)
    )
    assert table.loc[ASIAN, "gap_to_all"] == pytest.approx(36_500 / 950 - 145_000 / 5_700)
    assert list(table.index[:2]) == ["All residents", "White"]


def test_exposure_within_a_ward_uses_only_its_lsoas(con):
    # Ward E05000901 = LSOAs 901 (50%) and 902 (20%); Black residents 300 and 50.
    table = gaps.exposure(con, load_framework().indicators["no_car"], "E05000901").set_index(
        "ethnic_group"
    )
    assert table.loc[BLACK, "mean_value"] == pytest.approx((300 * 50 + 50 * 20) / 350)


def test_exposure_refuses_what_it_cannot_compute(con):
    framework = load_framework()
    with pytest.raises(gaps.GapError, match="no area with code 'E99999999'"):
        gaps.exposure(con, framework.indicators["no_car"], "E99999999")
    with pytest.raises(gaps.GapError, match="has no values"):
        gaps.exposure(con, framework.indicators["imd_score_2025"], "E47000007")


def test_stop_search_disproportionality_in_the_force_area(con):
    table = gaps.stop_search_disproportionality(con, "E47000007").set_index("ethnic_group")
    # Fixture: 2 searches of Black people (self-defined) in E01000901, 1 White in E01000904,
    # 1 Asian (officer-defined; self-defined blank) outside the LSOAs mapped, 1 with no ethnicity.
    # Every count is under 10, so each is withheld with its rate and ratio (more cases in
    # tests/test_stop_search.py).
    assert np.isnan(table.loc[BLACK, "searches"])
    assert np.isnan(table.loc[BLACK, "rate_per_1000"])
    assert table.loc[BLACK, "suppression_reason"] == "fewer than 10 counted"
    assert table.loc[ASIAN, "suppression_reason"] == gaps.NOT_AVAILABLE
    assert np.isnan(table.loc[gaps.NOT_STATED, "searches"])
    assert np.isnan(table.loc["All residents", "searches"])  # 5 in all
    assert table["ratio_to_white"].isna().all()


def test_cli_gaps_prints_csv(fixture_db, capsys):
    code = cli.main(
        [
            "gaps",
            "--indicator",
            "no_car",
            "--within",
            "E47000007",
            "--format",
            "csv",
            "--db",
            str(fixture_db),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.startswith("ethnic_group,residents,mean_value,gap_to_reference")
    assert any(row.startswith("White,3840,20.15625,") for row in rows)


def test_cli_gaps_by_district_and_unknown_indicator(fixture_db, capsys):
    assert (
        cli.main(
            [
                "gaps",
                "--indicator",
                "no_car",
                "--within",
                "E47000007",
                "--by",
                "lad",
                "--db",
                str(fixture_db),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Birmingham" in out
    assert "Solihull" in out
    assert (
        cli.main(["gaps", "--indicator", "nope", "--within", "E47000007", "--db", str(fixture_db)])
        == 2
    )
    assert "Unknown indicator 'nope'" in capsys.readouterr().err


def test_cli_stop_search(fixture_db, capsys):
    assert cli.main(["stop-search", "--db", str(fixture_db), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "E47000007,Ethnicity not stated by the person,,,,,,,fewer than 10 counted," in out


# --- detailed groups: the level follows the data provided, and every note says which ------

WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
PAKISTANI = "Asian, Asian British or Asian Welsh: Pakistani"
ONLY_BROAD = "the file provided has only the 5 broad groups at LSOA"
MSOA_HIDES = "MSOA averages hide differences within each MSOA, so gaps look smaller than at LSOA"


@pytest.fixture
def con_detailed(fixture_db_detailed_lsoa):
    with duckdb.connect(str(fixture_db_detailed_lsoa), read_only=True) as connection:
        yield connection


def test_detailed_groups_use_lsoa_values_when_the_detailed_lsoa_file_is_loaded(con_detailed):
    # no_car by LSOA: 50, 20, 20, 10 (%). White British 380, 850, 1050, 1240 (3,520):
    # 69,400 / 3,520. Pakistani 300, 30, 70, 10 (410): 17,100 / 410.
    table = gaps.exposure(
        con_detailed, load_framework().indicators["no_car"], "E47000007", "detailed"
    )
    assert table.attrs["level"] == "lsoa"
    assert table.attrs["reference_group"] == WHITE_BRITISH
    by_group = table.set_index("ethnic_group")
    assert len(by_group) == 1 + 19
    assert by_group.loc[WHITE_BRITISH, "residents"] == 3_520
    assert by_group.loc[WHITE_BRITISH, "mean_value"] == pytest.approx(69_400 / 3_520)
    assert by_group.loc[PAKISTANI, "mean_value"] == pytest.approx(17_100 / 410)
    assert by_group.loc[PAKISTANI, "ratio_to_reference"] == pytest.approx(
        (17_100 / 410) / (69_400 / 3_520)
    )
    assert by_group.loc["All residents", "mean_value"] == pytest.approx(145_000 / 5_700)
    note = table.attrs["note"]
    assert note == "LSOA level, Census 2021 detailed groups. Reference: White British."
    assert "MSOA" not in note


def test_detailed_groups_fall_back_to_msoa_with_the_5_group_file_and_say_so(con):
    # no_car by MSOA: Birmingham 001 (300 + 100) / (600 + 500) households, Solihull 001
    # (130 + 56) / (650 + 560). White British at MSOA (published): 1,200 and 2,300.
    table = gaps.exposure(con, load_framework().indicators["no_car"], "E47000007", "detailed")
    birmingham, solihull = 400 / 1_100 * 100, 186 / 1_210 * 100
    assert table.attrs["level"] == "msoa"
    by_group = table.set_index("ethnic_group")
    assert by_group.loc[WHITE_BRITISH, "mean_value"] == pytest.approx(
        (1_200 * birmingham + 2_300 * solihull) / 3_500
    )
    note = table.attrs["note"]
    assert note.startswith("MSOA level, Census 2021 detailed groups. Reference: White British.")
    assert f"MSOA values because {ONLY_BROAD}." in note
    assert MSOA_HIDES in note
    assert "does not publish" not in note


def test_broad_groups_note_names_the_file_not_the_census(con, con_detailed):
    no_car = load_framework().indicators["no_car"]
    five_only = gaps.exposure(con, no_car, "E47000007").attrs["note"]
    assert five_only.startswith("LSOA level, Census 2021 broad groups. Reference: White")
    assert f"White British cannot be the reference here: {ONLY_BROAD}" in five_only
    assert "does not publish" not in five_only
    detailed_loaded = gaps.exposure(con_detailed, no_car, "E47000007").attrs["note"]
    assert ONLY_BROAD not in detailed_loaded
    assert "The 19 detailed groups, with White British as reference, are also loaded." in (
        detailed_loaded
    )


def test_an_msoa_only_indicator_uses_msoa_even_with_detailed_lsoa_counts(con_detailed):
    indicator = load_framework().indicators["not_white_british_share"]
    assert gaps.detailed_level(con_detailed, indicator, "E47000007") == (
        "msoa",
        "Residents other than White British has no LSOA values",
    )
    table = gaps.exposure(con_detailed, indicator, "E47000007", "detailed")
    assert table.attrs["level"] == "msoa"
    assert (
        "MSOA values because Residents other than White British has no LSOA values."
        in (table.attrs["note"])
    )
    assert MSOA_HIDES in table.attrs["note"]


def test_exposure_by_district_carries_the_note(con):
    framework = load_framework()
    table = gaps.exposure_by_child(con, framework, "no_car", "E47000007", "lad", "detailed")
    assert set(table["area_code"]) == {"E08000025", "E08000029"}
    assert MSOA_HIDES in table.attrs["note"]
    assert table.attrs["note"].count(MSOA_HIDES) == 1  # the same note once, not per district


def cli_gaps(database, *extra):
    return cli.main(
        ["gaps", "--indicator", "no_car", "--within", "E47000007", "--db", str(database), *extra]
    )


def test_cli_gaps_detailed_says_msoa_and_why_with_the_5_group_file(fixture_db, capsys):
    assert cli_gaps(fixture_db, "--detail", "detailed") == 0
    out = capsys.readouterr().out
    assert f"MSOA values because {ONLY_BROAD}." in out
    assert MSOA_HIDES in out
    assert WHITE_BRITISH in out
    assert cli_gaps(fixture_db) == 0  # broad
    out = capsys.readouterr().out
    assert f"White British cannot be the reference here: {ONLY_BROAD}" in out
    assert MSOA_HIDES not in out


def test_cli_gaps_detailed_uses_lsoa_with_the_detailed_file(fixture_db_detailed_lsoa, capsys):
    assert cli_gaps(fixture_db_detailed_lsoa, "--detail", "detailed") == 0
    out = capsys.readouterr().out
    assert "LSOA level, Census 2021 detailed groups. Reference: White British." in out
    assert "MSOA" not in out
    assert ONLY_BROAD not in out


def test_cli_gaps_csv_and_by_district_carry_the_note(fixture_db, capsys):
    assert cli_gaps(fixture_db, "--detail", "detailed", "--format", "csv") == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame.columns[-1] == "note"
    assert frame["note"].str.contains(MSOA_HIDES, regex=False).all()
    assert cli_gaps(fixture_db, "--detail", "detailed", "--by", "lad") == 0
    out = capsys.readouterr().out
    assert "Solihull" in out
    assert MSOA_HIDES in out
