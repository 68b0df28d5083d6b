"""The one worst-10% rule on the real build: deciles flag exactly England's most deprived
tenth, continuous flags never cover more than a tenth, and the composites count the same
flags the map shows."""

from __future__ import annotations

import duckdb
import pytest

from arp import composites, map_views, maps, view_state
from arp.framework import load_framework
from arp.workshop import Scenario

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def con(real_db):
    with duckdb.connect(str(real_db), read_only=True) as connection:
        yield connection


def test_the_england_decile_flag_is_exactly_decile_1(con):
    flagged, in_decile_1, english = con.execute(
        """select count(*) filter (where v.flag_worst10_england),
                  count(*) filter (where d.decile = 1),
                  count(*)
           from indicator_values v
           join deprivation_by_lsoa d
             on d.lsoa21cd = v.area_code and d.edition = 'IoD2025' and d.domain = 'imd'
           where v.indicator_id = 'imd_decile_2025' and v.level = 'lsoa'
             and v.area_code like 'E%'"""
    ).fetchone()
    assert flagged == in_decile_1
    # A tenth of England's 33,755 LSOAs (IoD2025), not a fifth as before.
    assert english == 33755
    assert in_decile_1 == pytest.approx(english / 10, abs=2)
    # In the area mapped the same flag covers the 466 WMCA LSOAs in England's decile 1.
    wmca = con.execute(
        """select count(*) from indicator_values
           where indicator_id = 'imd_decile_2025' and level = 'lsoa' and in_area
             and flag_worst10_wmca"""
    ).fetchone()[0]
    assert wmca == 466


def test_no_continuous_flag_covers_more_than_a_tenth_of_the_areas_ranked(con):
    framework = load_framework()
    continuous = [i.id for i in framework.indicators.values() if i.scale == "continuous"]
    rows = con.execute(
        """select indicator_id, level,
                  count(*) filter (where flag_worst10_wmca) as flagged_wmca,
                  count(*) filter (where flag_worst10_wmca is not null) as ranked_wmca,
                  count(*) filter (where flag_worst10_england) as flagged_england,
                  count(*) filter (where flag_worst10_england is not null) as ranked_england
           from indicator_values where indicator_id in (select unnest($ids))
           group by all""",
        {"ids": continuous},
    ).fetchall()
    assert rows
    for indicator_id, level, flagged, ranked, flagged_e, ranked_e in rows:
        assert flagged <= ranked / 10, (indicator_id, level)
        assert flagged_e <= ranked_e / 10, (indicator_id, level)


@pytest.mark.parametrize("level", ["lsoa", "ward"])
def test_composite_flag_counts_equal_the_flags_every_other_surface_shows(con, level):
    framework = load_framework()
    inputs = composites.composite_inputs(con, framework, level)
    scores = composites.composite_scores(inputs, framework, Scenario("Equal weights"))
    own = [c for c in inputs.worse.columns if c not in inputs.borrowed_from]
    shown = con.execute(
        """select area_code, count(*) filter (where flag_worst10_wmca) as flags
           from indicator_values
           where in_area and level = $level and indicator_id in (select unnest($ids))
           group by area_code""",
        {"level": level, "ids": own},
    ).df()
    shown = shown.set_index("area_code")["flags"]
    borrowed = inputs.flags[list(inputs.borrowed_from)].sum(axis=1)
    expected = shown.reindex(scores.index, fill_value=0) + borrowed.reindex(
        scores.index, fill_value=0
    )
    assert (scores["overall_flags"] == expected).all()
    assert scores["overall_flags"].sum() > 0


def test_the_policing_composite_covers_every_lsoa(con):
    framework = load_framework()
    ranked_on_own_rate = con.execute(
        """select count(*) from indicator_values
           where indicator_id = 'stop_search_rate' and level = 'lsoa' and in_area
             and value is not null"""
    ).fetchone()[0]
    assert ranked_on_own_rate < 1000  # most LSOAs have fewer than 10 searches
    inputs = composites.composite_inputs(con, framework, "lsoa")
    assert inputs.borrowed_from == {"stop_search_rate": "msoa"}
    scores = composites.composite_scores(inputs, framework, Scenario("Equal weights"))
    assert scores["policing_score"].notna().sum() == 1719


def test_the_decile_map_has_ten_named_classes(con):
    framework = load_framework()
    state = view_state.ViewState(show="imd_decile_2025")
    view = map_views.indicator_view(con, framework, state)
    spec = map_views.map_spec(view, "quantiles", "source", geometry_version="test")
    labels = [label for _, label in spec.data["legend"]["rows"]]
    assert labels[0] == "1 — most deprived 10% in England"
    assert labels[-1] == "10 — least deprived 10% in England"
    assert len(labels) == 10
    tooltips = dict(zip(view.frame["code"], maps.tooltip_texts(spec.data), strict=True))
    decile_1 = view.frame.loc[view.frame["value"] == 1, "code"].iloc[0]
    assert "Decile 1 — most deprived 10% in England" in tooltips[decile_1]
    assert "⚑ In England's most deprived tenth (decile 1)" in tooltips[decile_1]
    table = map_views.table_view(view)
    assert (table["Decile"] == "1 — most deprived 10% in England").sum() == 466
