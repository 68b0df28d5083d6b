"""Rank uncertainty under weight uncertainty, on numbers small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from arp import robustness, scoring
from arp.robustness import DrawSettings, WeightDraws

# Three areas, two indicators in one domain. With weight w on the first indicator:
#   A = 100w + 40(1 - w) = 40 + 60w,  B = 20w + 80(1 - w) = 80 - 60w,  C = 60.
# All three meet at w = 1/3: below it B is worst (B, C, A), above it A is (A, C, B).
# C is second under every weighting.
THREE = pd.DataFrame({"x": [100.0, 20.0, 60.0], "y": [40.0, 80.0, 60.0]}, index=list("ABC"))
ONE_DOMAIN = {"x": "d", "y": "d"}
WORST_THIRD = 1 / 3  # with 3 areas the worst tenth is empty (fewer than 10 ranked)


def two_weights(*first: float) -> WeightDraws:
    w = np.array(first)
    return WeightDraws(np.column_stack([w, 1 - w]), np.ones((len(w), 1)))


def test_hand_picked_weights_give_the_ranks_bands_and_shares_worked_out_on_paper():
    shape = robustness.structure(["x", "y"], ONE_DOMAIN)
    # w = 0.1, 0.2: B, C, A. w = 0.5, 0.6, 0.9: A, C, B.
    result = robustness.robustness(
        THREE, shape, fraction=WORST_THIRD, draws=two_weights(0.1, 0.2, 0.5, 0.6, 0.9)
    ).frame
    # A's ranks 3, 3, 1, 1, 1: 60% at rank 1, so its median is 1; 5th percentile 1, 95th 3.
    assert result.loc["A", ["median_rank", "rank_low", "rank_high"]].tolist() == [1, 1, 3]
    assert result.loc["B", ["median_rank", "rank_low", "rank_high"]].tolist() == [3, 1, 3]
    assert result.loc["C", ["median_rank", "rank_low", "rank_high"]].tolist() == [2, 2, 2]
    assert result["worst_share"].tolist() == pytest.approx([3 / 5, 2 / 5, 0.0])
    # Under the scenario itself (equal weights, w = 1/2): A = 70, B = 50, C = 60.
    assert result["score"].tolist() == pytest.approx([70.0, 50.0, 60.0])
    assert result["rank"].tolist() == [1, 3, 2]
    assert result["worst"].tolist() == [True, False, False]


def test_with_fewer_than_ten_areas_none_is_ever_in_the_worst_tenth():
    shape = robustness.structure(["x", "y"], ONE_DOMAIN)
    result = robustness.robustness(THREE, shape, DrawSettings(draws=200)).frame
    assert result["worst_share"].tolist() == [0.0, 0.0, 0.0]


def test_any_weighting_puts_a_worst_two_thirds_of_the_time():
    # Uniform over all weightings of two: w ~ U(0, 1), and A is worst when w > 1/3.
    shape = robustness.structure(["x", "y"], ONE_DOMAIN)
    settings = DrawSettings(draws=4000, spread="any")
    result = robustness.robustness(THREE, shape, settings, fraction=WORST_THIRD).frame
    assert result.loc["A", "worst_share"] == pytest.approx(2 / 3, abs=0.03)
    assert result.loc["B", "worst_share"] == pytest.approx(1 / 3, abs=0.03)
    assert result.loc["C", "worst_share"] == 0.0
    assert result.loc["A", ["median_rank", "rank_low", "rank_high"]].tolist() == [1, 1, 3]
    assert result.loc["B", ["median_rank", "rank_low", "rank_high"]].tolist() == [3, 1, 3]
    assert result.loc["C", ["median_rank", "rank_low", "rank_high"]].tolist() == [2, 2, 2]


def test_plausible_weightings_follow_the_documented_dirichlet():
    # Centred on equal weights with concentration 10 per weight, K = 2: alpha = (10, 10),
    # so w ~ Beta(10, 10) and P(A worst) = P(w > 1/3) = 1 - I_{1/3}(10, 10) = 0.935.
    shape = robustness.structure(["x", "y"], ONE_DOMAIN)
    settings = DrawSettings(draws=4000)
    expected = 1 - stats.beta.cdf(1 / 3, 10, 10)
    result = robustness.robustness(THREE, shape, settings, fraction=WORST_THIRD).frame
    assert result.loc["A", "worst_share"] == pytest.approx(expected, abs=0.015)
    assert result.loc["B", "worst_share"] == pytest.approx(1 - expected, abs=0.015)
    # A is at rank 1 in 93.5% of draws: its band is still 1 to 3 (5% of draws are rank 3).
    assert result.loc["A", ["median_rank", "rank_low", "rank_high"]].tolist() == [1, 1, 3]


def test_the_draws_have_the_scenario_as_mean_and_the_documented_spread():
    shape = robustness.structure(
        ["a", "b", "c"], {"a": "d1", "b": "d2", "c": "d3"}, domain_weights={"d1": 2, "d3": 0}
    )
    draws = robustness.draw_weights(shape, DrawSettings(draws=20000))
    # d3 is left out (weight 0) in every draw; d1 : d2 = 2 : 1 on average.
    assert (draws.domain[:, 2] == 0).all()
    assert draws.domain.sum(axis=1) == pytest.approx(np.ones(20000))
    assert draws.domain[:, :2].mean(axis=0) == pytest.approx([2 / 3, 1 / 3], abs=0.005)
    # alpha = 10 x 2 x (2/3, 1/3): sd of w1 = sqrt(w(1 - w) / (sum alpha + 1)) = 0.1029
    assert draws.domain[:, 0].std() == pytest.approx(np.sqrt(2 / 9 / 21), rel=0.03)
    # one indicator per domain: nothing to draw within a domain
    assert (draws.indicator == 1.0).all()


def test_same_seed_same_answer_other_seed_other_draws():
    rng = np.random.default_rng(0)
    worse = pd.DataFrame(rng.random((50, 4)) * 100, columns=list("abcd"))
    shape = robustness.structure(list("abcd"), {"a": "p", "b": "p", "c": "q", "d": "q"})
    first = robustness.robustness(worse, shape, DrawSettings(draws=300, seed=7)).frame
    again = robustness.robustness(worse, shape, DrawSettings(draws=300, seed=7)).frame
    other = robustness.draw_weights(shape, DrawSettings(draws=300, seed=8))
    pd.testing.assert_frame_equal(first, again)
    assert not np.array_equal(
        robustness.draw_weights(shape, DrawSettings(draws=300, seed=7)).domain, other.domain
    )


def hand_made_inputs():
    """Random positions with gaps, three domains, weights of every kind the store allows."""
    rng = np.random.default_rng(3)
    worse = pd.DataFrame(rng.random((40, 6)) * 100, columns=list("abcdef"))
    worse.iloc[::5, 0] = np.nan  # some areas miss a value
    worse.iloc[::7, 2] = np.nan
    worse.iloc[3, [2, 3]] = np.nan  # one misses a whole domain
    worse.iloc[4, :] = np.nan  # one has nothing
    domains = {"a": "h", "b": "h", "c": "p", "d": "p", "e": "q", "f": "q"}
    return worse, domains


@pytest.mark.parametrize(
    ("indicator_weights", "domain_weights"),
    [
        ({}, {}),
        ({"a": 3.0, "d": 0.5}, {"p": 2.0}),
        ({"e": 0.0, "f": 0.0}, {"h": 0.0, "p": 4.0}),  # q's indicators all weigh 0
        ({"b": 0.0}, {"q": 0.0}),
    ],
)
def test_at_the_scenario_weights_the_scores_are_the_composite(indicator_weights, domain_weights):
    worse, domains = hand_made_inputs()
    flags = worse > 90
    expected = scoring.composite(worse, flags, domains, indicator_weights, domain_weights)
    for target in ("overall", "h", "p", "q"):
        shape = robustness.structure(
            list(worse.columns), domains, indicator_weights, domain_weights, target
        )
        result = robustness.robustness(worse, shape, DrawSettings(draws=50)).frame
        column = expected[f"{target}_score"]
        np.testing.assert_allclose(result["score"], column, rtol=1e-12, equal_nan=True)
        assert result["rank"].tolist() == pytest.approx(
            scoring.rank_worst_first(column).astype(float).tolist(), nan_ok=True
        )
        rule = scoring.flag_worst_tenth(column, "higher_is_worse").fillna(False)
        assert result["worst"].tolist() == rule.tolist()
        # Any scaling of the scenario's weights is the same composite: only proportions count.
        scaled = WeightDraws(shape.indicator_weights[None, :] * 7, shape.domain_weights[None, :])
        again = robustness.scores_under(worse.to_numpy()[:, : len(shape.columns)], shape, scaled)
        if target == "overall":
            np.testing.assert_allclose(again[0], column, rtol=1e-12, equal_nan=True)


def test_every_draw_is_the_composite_under_that_draws_weights():
    worse, domains = hand_made_inputs()
    shape = robustness.structure(list(worse.columns), domains)
    draws = robustness.draw_weights(shape, DrawSettings(draws=5, seed=1))
    scores = robustness.scores_under(worse.to_numpy(), shape, draws)
    for i in range(5):
        expected = scoring.composite(
            worse,
            worse > 90,
            domains,
            dict(zip(shape.columns, draws.indicator[i], strict=True)),
            dict(zip(shape.domains, draws.domain[i], strict=True)),
        )["overall_score"]
        np.testing.assert_allclose(scores[i], expected, rtol=1e-12, equal_nan=True)


def test_ties_follow_the_one_worst_tenth_rule():
    # 20 areas; two tie for 2nd and 3rd place. The tenth is 2 areas: the tie straddles the
    # line, so neither tied area is in, only the worst one, as flag_worst_tenth says.
    scores = np.array([[100.0, 90.0, 90.0, *np.linspace(80, 10, 17)]])
    low, high = robustness.ranks_worst_first(scores)
    assert low[0, :4].tolist() == [1, 2, 2, 4]
    assert high[0, :4].tolist() == [1, 3, 3, 4]
    flags = robustness.in_worst(high, ~np.isnan(scores), 0.1)[0]
    expected = scoring.flag_worst_tenth(pd.Series(scores[0]), "higher_is_worse")
    assert flags.tolist() == expected.tolist() == [True] + [False] * 19


def test_the_words_a_room_reads():
    assert robustness.in_words(0.97) == "In the worst 10% under 97% of plausible weightings"
    assert robustness.in_words(0.41) == (
        "Depends on the weights: in the worst 10% under 41% of plausible weightings"
    )
    assert robustness.in_words(0.9996) == "In the worst 10% under 99% of plausible weightings"
    assert robustness.in_words(0.003) == "Rarely in the worst 10%: 1% of plausible weightings"
    assert robustness.in_words(0.0) == (
        "Not in the worst 10% under any of the plausible weightings drawn"
    )
    assert robustness.in_words(0.5, DrawSettings(spread="any")).endswith("possible weightings")
    assert [robustness.category(s) for s in (0.9, 0.89, 0.1, 0.0, np.nan)] == [
        "robust",
        "depends",
        "rarely",
        "never",
        "none",
    ]


def test_scenario_against_scenario_by_hand():
    # Under a: ranks A1 B2 ... ; under b the two worst swap with the 3rd and 4th.
    a = pd.Series(np.linspace(100, 5, 20), index=[f"L{i:02d}" for i in range(20)])
    b = a.copy()
    b["L00"], b["L02"] = a["L02"], a["L00"]  # L00 falls to 3rd, L02 rises to 1st
    b["L01"], b["L03"] = a["L03"], a["L01"]
    frame = robustness.compare_scenarios(a, b)
    assert frame.loc["L00", ["rank_a", "rank_b", "shift"]].tolist() == [1, 3, -2]
    assert frame.loc["L02", ["rank_a", "rank_b", "shift"]].tolist() == [3, 1, 2]
    assert frame["change"].to_dict() == {
        **{code: "" for code in a.index},
        "L00": "leaves",
        "L01": "leaves",
        "L02": "enters",
        "L03": "enters",
    }
    assert robustness.comparison_summary(frame, "the room's weights", "neighbourhoods") == (
        "2 neighbourhoods enter the worst tenth under the room's weights; 2 leave."
    )
    same = robustness.compare_scenarios(a, a)
    assert (same["shift"] == 0).all()
    assert robustness.comparison_summary(same, "equal weights") == (
        "The same areas are in the worst tenth under equal weights."
    )
