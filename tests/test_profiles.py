"""Spine rows and the summary on the fixture database, against the values read from it
directly (tests/unit/test_profiles.py has the arithmetic on hand-made frames)."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from arp import db, gaps, profiles
from arp.framework import load_framework
from arp.indicators import ENGLAND

FRAMEWORK = load_framework()


@pytest.fixture(scope="module")
def con(fixture_db):
    connection = duckdb.connect(str(fixture_db), read_only=True)
    yield connection
    connection.close()


def facts(con, code) -> dict:
    return db.query(con, "area_facts", code=code).iloc[0].to_dict()


def read(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()


@pytest.mark.parametrize("code", ["E01000901", "E05000901", "E08000029"])
def test_spine_rows_hold_the_values_the_database_holds(con, code):
    info = facts(con, code)
    spine = profiles.spine_rows(con, FRAMEWORK, info).set_index("indicator_id")
    assert list(spine.index) == [i for i in FRAMEWORK.indicators if i in spine.index]
    row = spine.loc["no_car"]
    value, low, high = read(
        con,
        "select value, ci_low, ci_high from indicator_values "
        "where indicator_id = 'no_car' and area_code = ?",
        code,
    )
    assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx((value, low, high))
    (region,) = read(
        con,
        "select value from indicator_values where indicator_id = 'no_car' and area_code = ?",
        info["ca_code"],
    )
    (england,) = read(
        con,
        "select value from indicator_values where indicator_id = 'no_car' and area_code = ?",
        ENGLAND,
    )
    assert row["region_value"] == pytest.approx(region)
    assert row["england_value"] == pytest.approx(england)
    areas, lowest, highest = read(
        con,
        "select count(value), min(value), max(value) from indicator_values "
        "where indicator_id = 'no_car' and level = ? and in_area",
        info["level"],
    )
    assert (row["peer_areas"], row["peer_min"], row["peer_max"]) == pytest.approx(
        (areas, lowest, highest)
    )
    assert row["comparison"] == profiles.compared(value, low, high, england, "higher_is_worse")


def test_a_withheld_value_is_blank_on_the_spine_with_its_reason(con):
    spine = profiles.spine_rows(con, FRAMEWORK, facts(con, "E01000901")).set_index("indicator_id")
    row = spine.loc["stop_search_rate"]
    assert math.isnan(row["value"])
    assert math.isnan(row["pos_value"])
    assert row["withheld"] == "fewer than 10 counted"
    assert row["value_text"] == "withheld (fewer than 10 counted)"


def test_the_whole_region_is_drawn_among_its_districts_with_no_region_mark(con):
    spine = profiles.spine_rows(con, FRAMEWORK, facts(con, "E47000007")).set_index("indicator_id")
    row = spine.loc["no_car"]
    assert math.isnan(row["region_value"])
    assert row["worst_region"] is None
    (districts,) = read(
        con,
        "select count(value) from indicator_values "
        "where indicator_id = 'no_car' and level = 'lad' and in_area",
    )
    assert row["peer_areas"] == districts == 2


NO_NOTES = pd.DataFrame(columns=["kind"])


def test_the_summary_of_a_ward_counts_its_residents_and_its_gaps_as_the_gaps_page_does(con):
    info = facts(con, "E05000901")
    spine = profiles.spine_rows(con, FRAMEWORK, info)
    summary = profiles.area_summary(con, FRAMEWORK, info, spine, NO_NOTES)
    (total,) = read(
        con,
        "select residents from population_by_ethnicity "
        "where area_code = 'E05000901' and group_level = 'total'",
    )
    assert summary.residents == total == 2700
    assert summary.gaps, "the ward's two LSOAs differ: some group fares worse than White"
    for gap in summary.gaps:
        page = gaps.exposure(con, FRAMEWORK.indicators[gap.indicator_id], "E05000901")
        means = page.set_index("ethnic_group")["mean_value"]
        assert gap.group_value == pytest.approx(means[gap.group])
        assert gap.reference_value == pytest.approx(means[gaps.WHITE])
    no_car = next(g for g in summary.gaps if g.indicator_id == "no_car")
    # By hand: no_car is 50% in E01000901 and its value in E01000902, weighed by residents.
    (other,) = read(
        con,
        "select value from indicator_values where indicator_id = 'no_car' "
        "and area_code = 'E01000902'",
    )
    asian = (600 * 50.0 + 100 * other) / 700  # Asian residents: 600 and 100
    white = (450 * 50.0 + 950 * other) / 1400  # White residents: 450 and 950
    assert no_car.group == "Asian, Asian British or Asian Welsh"
    assert no_car.group_value == pytest.approx(asian)
    assert no_car.reference_value == pytest.approx(white)


def test_the_summary_of_a_neighbourhood_says_why_it_has_no_gap(con):
    info = facts(con, "E01000901")
    notes = pd.DataFrame({"kind": ["barrier", "barrier", "idea"]})
    summary = profiles.area_summary(
        con, FRAMEWORK, info, profiles.spine_rows(con, FRAMEWORK, info), notes
    )
    assert summary.gaps == ()
    assert "none is worked out for one neighbourhood" in summary.gaps_missing
    assert summary.search is None
    assert summary.search_missing == ""  # stop and search by group is shown from wards up
    assert summary.notes == 3
    assert summary.notes_by_kind == {"barrier": 2, "idea": 1}


def test_services_by_kind_count_what_the_area_holds_and_measure_the_nearest(con):
    info = facts(con, "E01000901")
    groups = {
        g.kind.id: g
        for g in profiles.service_groups(con, info, profiles.spine_rows(con, FRAMEWORK, info))
    }
    counts = dict(
        con.execute(
            "select service_type, count(*) from services where lsoa21cd = 'E01000901' group by 1"
        ).fetchall()
    )
    assert {k: g.inside for k, g in groups.items() if g.inside} == counts
    assert groups["hospital"].inside == 0
    easting, northing = read(
        con, "select easting, northing from lsoa_centres where area_code = 'E01000901'"
    )
    gp = groups["gp_practice"].places
    located = con.execute(
        "select name, easting, northing from services "
        "where service_type = 'gp_practice' and easting is not null"
    ).fetchall()
    expected = sorted(
        (math.dist((easting, northing), (e, n)) / 1000, name) for name, e, n in located
    )
    assert gp["Name"].tolist() == [name for _, name in expected]
    assert gp["Distance (km)"].tolist() == [round(km, 2) for km, _ in expected]
    assert list(gp.columns) == ["Name", "Distance (km)", "In this area", "Postcode"]
    # The neighbourhood's distance indicator is the nearest's distance.
    assert groups["gp_practice"].distance_km == pytest.approx(expected[0][0])
