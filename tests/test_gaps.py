"""Gaps between ethnic groups on the fixture database, worked out by hand from the fixtures."""

from __future__ import annotations

import duckdb
import numpy as np
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
