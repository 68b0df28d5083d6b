"""Indicators computed by the real build on the fixture database; expected numbers by hand
from the fixture files (tests/fixtures/sources)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from arp import scoring
from arp.framework import load_framework
from arp.indicators import add_value_and_interval
from tests.conftest import FIXTURE_SOURCES_DIR


def value_row(database, indicator, code):
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(
            "select * from indicator_values where indicator_id = $i and area_code = $c",
            {"i": indicator, "c": code},
        )
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
    assert row is not None, f"no {indicator} value for {code}"
    return dict(zip(names, row, strict=True))


def test_households_without_a_car_by_lsoa(fixture_db):
    # census2021-ts045-lsoa.csv: E01000901 has 300 of 600 households with no car.
    row = value_row(fixture_db, "no_car", "E01000901")
    assert (row["numerator"], row["denominator"], row["value"]) == (300, 600, 50.0)
    assert (round(row["ci_low"], 2), round(row["ci_high"], 2)) == (46.01, 53.99)
    assert row["suppressed"] is False


def test_larger_areas_are_re_aggregated_from_counts_not_averaged(fixture_db):
    # Ward E05000901 = LSOAs 901 (300/600) and 902 (100/500): 400/1100 = 36.36%,
    # not the mean of 50% and 20% (35%).
    row = value_row(fixture_db, "no_car", "E05000901")
    assert (row["numerator"], row["denominator"]) == (400, 1100)
    assert row["value"] == pytest.approx(400 / 1100 * 100)
    ca = value_row(fixture_db, "no_car", "E47000007")
    assert ca["value"] == pytest.approx((300 + 100 + 130 + 56) / (600 + 500 + 650 + 560) * 100)


def test_percentiles_and_flags_within_the_area(fixture_db):
    # no_car by LSOA: 50, 20, 20, 10 (higher is worse). Average ranks 4, 2.5, 2.5, 1.
    # Four areas have no worst tenth (a tenth of 4 is 0.4 of an area), so none is flagged.
    expected = {"E01000901": 100.0, "E01000902": 50.0, "E01000903": 50.0, "E01000904": 0.0}
    for code, worse in expected.items():
        row = value_row(fixture_db, "no_car", code)
        assert row["worse_percentile_wmca"] == pytest.approx(worse), code
        assert row["percentile_wmca"] == pytest.approx(worse), code
        assert row["flag_worst10_wmca"] is False, code
    assert value_row(fixture_db, "no_car", "E01000901")["rank_wmca"] == 1


def test_small_counts_are_suppressed_never_zero(fixture_db):
    # Two searches were placed in E01000901 and none in E01000902.
    busy = value_row(fixture_db, "stop_search_rate", "E01000901")
    quiet = value_row(fixture_db, "stop_search_rate", "E01000902")
    for row in (busy, quiet):
        assert row["suppressed"] is True
        assert row["value"] is None
        assert row["suppression_reason"] == "fewer than 10 counted"
        assert row["percentile_wmca"] is None
    assert busy["numerator"] == 2  # analysts can see the count the rule withholds from display


def test_context_indicators_get_no_judgement(fixture_db):
    row = value_row(fixture_db, "asian_share", "E01000901")
    assert row["value"] == pytest.approx(600 / 1500 * 100)
    assert row["worse_percentile_wmca"] is None
    assert row["flag_worst10_wmca"] is None


def test_england_ranks_include_areas_outside_the_map(fixture_db):
    # The Coventry LSOA is in the Census file but not on the map: ranked in England only.
    row = value_row(fixture_db, "white_share", "E01000999")
    assert row["in_area"] is False
    assert row["percentile_wmca"] is None
    assert row["percentile_england"] is not None


def test_indicators_without_their_sources_say_data_not_loaded(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        status = dict(con.execute("select indicator_id, status from indicator_status").fetchall())
        missing = con.execute(
            "select missing_sources from indicator_status where indicator_id = 'bad_health'"
        ).fetchone()[0]
    assert status["no_car"] == "computed"
    assert status["bad_health"] == "data not loaded"
    assert missing == "census_ts037_lsoa"


def test_an_unstaged_census_table_computes_as_soon_as_it_is_provided(
    tmp_path, fixture_sources_copy
):
    from arp.build import build

    # A TS037 file in the Nomis bulk layout (invented values), as a user would bring it.
    (fixture_sources_copy / "census" / "census2021-ts037-lsoa.csv").write_text(
        "date,geography,geography code,General health: Total: All usual residents,"
        "General health: Very good health,General health: Good health,General health: Fair health,"
        "General health: Bad health,General health: Very bad health\n"
        "2021,Birmingham 001A,E01000901,1500,600,500,250,100,50\n"
        "2021,Birmingham 001B,E01000902,1200,500,450,200,40,10\n"
    )
    database = tmp_path / "arp.duckdb"
    from tests.conftest import FIXTURE_SOURCE_IDS

    build(
        database, source_dir=fixture_sources_copy, only=[*FIXTURE_SOURCE_IDS, "census_ts037_lsoa"]
    )
    row = value_row(database, "bad_health", "E01000901")
    assert row["value"] == pytest.approx(150 / 1500 * 100)  # bad 100 + very bad 50
    assert value_row(database, "bad_health", "E05000901")["value"] == pytest.approx(
        200 / 2700 * 100
    )


def test_complete_counts_have_no_interval(fixture_db):
    row = value_row(fixture_db, "gp_practices_per_10k", "E08000025")
    # One GP practice (M00001) in Birmingham's 2,700 residents; not suppressed (public places).
    assert (row["numerator"], row["denominator"]) == (1, 2700)
    assert row["value"] == pytest.approx(1 / 2700 * 10000)
    assert row["ci_low"] is None
    assert row["ci_high"] is None
    # Shares of residents in whole deprived neighbourhoods are complete counts too.
    assert load_framework().indicators["most_deprived_tenth_2025"].interval == "none"


def test_rates_get_the_exact_poisson_interval():
    framework = load_framework()
    indicator = framework.indicators["stop_search_rate"]
    frame = pd.DataFrame({"numerator": [1.0, 25.0], "denominator": [1500.0, 1500.0]})
    out = add_value_and_interval(frame, indicator)
    low, high = scoring.exact_poisson_interval([1, 25])
    # A count of 1 is suppressed (fewer than 10); 25 keeps its exact limits per 1,000.
    assert out["suppressed"].tolist() == [True, False]
    assert out.loc[1, "ci_low"] == pytest.approx(low[1] / 1500 * 1000)
    assert out.loc[1, "ci_high"] == pytest.approx(high[1] / 1500 * 1000)
    assert out.loc[1, "ci_low"] == pytest.approx(16.1787 / 1500 * 1000, abs=1e-4)


def test_fixture_folder_is_untouched():
    assert not (FIXTURE_SOURCES_DIR / "census" / "census2021-ts037-lsoa.csv").exists()


def test_iod2025_file7_gives_every_domain_score_resident_weighted(tmp_path, fixture_sources_copy):
    from arp.build import build
    from tests.conftest import FIXTURE_SOURCE_IDS

    # File 7's layout (invented values): IMD and domain scores per LSOA 2021.
    (
        fixture_sources_copy / "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    ).write_text(
        "LSOA code (2021),LSOA name (2021),Index of Multiple Deprivation (IMD) Score,"
        "Income Score (rate),Living Environment Score\n"
        "E01000901,Birmingham 001A,40.0,0.30,20.0\n"
        "E01000902,Birmingham 001B,10.0,0.10,50.0\n"
        "E01000903,Solihull 001A,5.0,0.05,10.0\n"
        "E01000904,Solihull 001B,15.0,0.02,30.0\n"
    )
    database = tmp_path / "arp.duckdb"
    build(database, source_dir=fixture_sources_copy, only=[*FIXTURE_SOURCE_IDS, "iod2025_file7"])
    # Ward E05000901: residents 1,500 and 1,200 (TS001).
    income = value_row(database, "income_score_2025", "E05000901")
    assert income["value"] == pytest.approx((0.30 * 1500 + 0.10 * 1200) / 2700)
    living = value_row(database, "living_environment_score_2025", "E01000902")
    assert living["value"] == pytest.approx(50.0)
    # The IMD score indicator takes its score from File 7 when the compilation is absent.
    assert value_row(database, "imd_score_2025", "E01000901")["value"] == pytest.approx(40.0)
