"""Weight uncertainty, influence, scenario against scenario and the count of worst-tenth
flags, on the fixture database as built: each agrees with the composites the map shows."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from arp import composites, robustness, weighting
from arp.framework import load_framework
from arp.workshop import Scenario

# The fixture database scores 4 LSOAs on access (4 indicators) and policing (stop and
# search, which no fixture LSOA has enough searches for).
ROOM = Scenario("Room's votes", domain_weights={"access": 3.0, "policing": 0.5})


@pytest.fixture(scope="module")
def inputs(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        return composites.composite_inputs(con, load_framework(), "lsoa")


@pytest.mark.parametrize("scenario", [Scenario("Equal weights"), ROOM])
def test_robustness_at_the_centre_is_the_composite_the_map_shows(inputs, scenario):
    framework = load_framework()
    scores = composites.composite_scores(inputs, framework, scenario)
    targets = ["overall", *(d.id for d in framework.scored_domains if f"{d.id}_score" in scores)]
    for target in targets:
        result = weighting.robustness_of(
            inputs, framework, scenario, target, robustness.DrawSettings(draws=100)
        ).frame
        column = scores["overall_score" if target == "overall" else f"{target}_score"]
        np.testing.assert_allclose(result["score"], column, rtol=1e-12, equal_nan=True)
        shares = result["worst_share"].dropna()
        assert ((shares >= 0) & (shares <= 1)).all()
        # an area ranked in the worst tenth by the scenario is in it under some draws
        assert (result.loc[result["worst"], "worst_share"] > 0).all()


def test_influence_covers_every_indicator_and_nominal_shares_sum_to_one(inputs):
    framework = load_framework()
    table = weighting.influence_of(inputs, framework, ROOM)
    assert set(table.index) == set(inputs.worse.columns)
    assert table["nominal"].sum() == pytest.approx(1.0)
    # 4 areas are too few to tell an indicator's influence from chance: none is given.
    assert table["eta2"].isna().all()
    assert table["influence"].isna().all()
    # Stop and search has no value anywhere here, so no share: access has all of it,
    # split equally between its four indicators.
    assert table.loc["stop_search_rate", "nominal"] == 0.0
    access = table[table["domain"] == "access"]
    assert access["nominal"].tolist() == pytest.approx([0.25] * 4)


def test_scenario_against_itself_moves_nothing_and_against_another_adds_up(inputs):
    framework = load_framework()
    same = weighting.compare(inputs, framework, ROOM, ROOM)
    assert (same["shift"].dropna() == 0).all()
    assert (same["change"] == "").all()
    frame = weighting.compare(inputs, framework, Scenario("Equal weights"), ROOM)
    enters = (frame["change"] == "enters").sum()
    leaves = (frame["change"] == "leaves").sum()
    assert frame["worst_b"].sum() - frame["worst_a"].sum() == enters - leaves


def test_the_count_view_counts_the_flags_the_composite_counts(inputs):
    framework = load_framework()
    scores = composites.composite_scores(inputs, framework, Scenario("Equal weights"))
    counts = weighting.flagged_on_at_least(inputs, framework, 2)
    assert counts["flagged"].tolist() == scores["overall_flags"].tolist()
    assert counts["at_least"].tolist() == (scores["overall_flags"] >= 2).tolist()
    assert (counts["flagged"] <= counts["of"]).all()


def test_the_counts_in_words_agree_in_number():
    frame = pd.DataFrame({"worst_share": [0.95, 0.5, 0.5, 0.0]})
    result = robustness.Robustness(frame, robustness.DEFAULT_DRAWS)
    assert weighting.counts_in_words(result, "LSOAs") == (
        "1 LSOA is in the worst 10% under at least 90% of plausible weightings; 2 depend on "
        "the weights (in it under 10% to 90% of them)."
    )
    result = robustness.Robustness(frame.iloc[1:2], robustness.DEFAULT_DRAWS)
    assert weighting.counts_in_words(result, "wards").startswith("0 wards are in the worst")
    assert "; 1 depends on the weights" in weighting.counts_in_words(result, "wards")


def test_an_indicator_no_area_has_a_value_for_leaves_the_draws_as_they_were():
    """An indicator with no value anywhere (stop and search at LSOA level, in a small area)
    moves no rank: the draws are those of the composite without it, not draws over one
    more domain."""
    framework = load_framework()
    rng = np.random.default_rng(7)
    areas = [f"E010{n:05d}" for n in range(30)]
    worse = pd.DataFrame(
        rng.uniform(0, 100, (30, 3)), index=areas, columns=["no_car", "distance_gp", "overcrowded"]
    )
    flags = worse > 90
    with_empty = worse.assign(stop_search_rate=np.nan)
    settings = robustness.DrawSettings(draws=300)
    drawn = [
        weighting.robustness_of(
            composites.CompositeInputs(frame, flags.reindex(columns=frame.columns), {}),
            framework,
            ROOM,
            "overall",
            settings,
        ).frame
        for frame in (worse, with_empty)
    ]
    pd.testing.assert_frame_equal(drawn[0], drawn[1])
