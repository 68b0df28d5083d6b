"""Effective influence against nominal weight, and the redundancy warning, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arp import influence, robustness
from arp.weighting import nominal_shares

# a and b are uncorrelated with equal variance over four areas; a2 duplicates a.
A = [100.0, 0.0, 100.0, 0.0]
B = [100.0, 100.0, 0.0, 0.0]


def test_a_duplicated_indicator_takes_the_influence_its_weight_does_not_say():
    worse = pd.DataFrame({"a": A, "a2": A, "b": B})
    composite = worse.mean(axis=1)  # equal weights, one domain: y = (2a + b) / 3
    nominal = {"a": 1 / 3, "a2": 1 / 3, "b": 1 / 3}
    table = influence.influence_table(worse, composite, nominal)
    # Var(y) = (4 + 1) / 9 Var; Cov(a, y) = 2/3 Var(a), so r^2(a) = (4/9) / (5/9) = 0.8;
    # Cov(b, y) = 1/3 Var(b): r^2(b) = (1/9) / (5/9) = 0.2. Binary indicators: eta^2 = r^2.
    assert table["r2"].tolist() == pytest.approx([0.8, 0.8, 0.2])
    assert table["eta2"].tolist() == pytest.approx([0.8, 0.8, 0.2])
    # Normalised: a and its copy 0.8 / 1.8 = 4/9 each; b, weighted a third, has 1/9.
    assert table["influence"].tolist() == pytest.approx([4 / 9, 4 / 9, 1 / 9])
    assert table.loc["b", "ratio"] == pytest.approx(1 / 3)
    pairs = influence.redundant_pairs(influence.correlation_matrix(_repeat(worse)))
    assert pairs == [("a", "a2", pytest.approx(1.0))]
    assert influence.redundancy_words(pairs[0], {"a": "IMD score", "a2": "IMD decile"}) == (
        "IMD score and IMD decile move together (r = 1.00): with both in, what they share "
        "counts about twice."
    )


def _repeat(frame: pd.DataFrame) -> pd.DataFrame:
    """The correlation matrix wants at least 10 areas with both values."""
    return pd.concat([frame] * 3, ignore_index=True)


def test_no_warning_for_indicators_that_differ():
    worse = _repeat(pd.DataFrame({"a": A, "b": B}))
    assert influence.redundant_pairs(influence.correlation_matrix(worse)) == []


def test_correlation_ratio_sees_a_curve_the_squared_correlation_misses():
    # y = (x - 50)^2: uncorrelated with x (symmetric), but wholly a function of it.
    x = np.repeat(np.linspace(0, 100, 11), 5)  # 11 values: each its own group
    y = (x - 50) ** 2
    assert influence.squared_correlation(x, y) == pytest.approx(0.0, abs=1e-12)
    assert influence.correlation_ratio(x, y) == pytest.approx(1.0)
    # 101 values: 20 equal-count groups of about 5 neighbouring values each keep 98.7%
    # of y's variance between them.
    x = np.linspace(0, 100, 101)
    y = (x - 50) ** 2
    assert 0.98 < influence.correlation_ratio(x, y) < 1.0


def test_correlation_ratio_ignores_areas_missing_either_value():
    x = np.array([0.0, 0.0, 100.0, 100.0, np.nan])
    y = np.array([10.0, 20.0, 90.0, 80.0, 1000.0])
    # groups 0: mean 15, 100: mean 85; Var between = 35^2 = 1225; Var(y) = 1225 + 25
    assert influence.correlation_ratio(x, y) == pytest.approx(1225 / 1250)


def test_nominal_shares_are_domain_share_times_share_within_domain():
    shape = robustness.structure(
        ["a", "b", "c"],
        {"a": "h", "b": "h", "c": "p"},
        indicator_weights={"a": 3.0},
        domain_weights={"p": 2.0},
    )
    # h: 1/3 of the domains' weight, a 3/4 of h; p: 2/3, c all of it.
    assert nominal_shares(shape) == pytest.approx({"a": 0.25, "b": 1 / 12, "c": 2 / 3})


def test_too_few_areas_for_two_groups_give_no_correlation_ratio():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(size=7), rng.uniform(size=7)  # 7 districts, unrelated
    assert influence.correlation_ratio(x, y) == pytest.approx(1.0)  # each its own group
    assert np.isnan(influence.correlation_ratio(x, y, per_group=influence.AREAS_PER_GROUP))
    x, y = rng.uniform(size=1719), rng.uniform(size=1719)
    unrelated = influence.correlation_ratio(x, y, per_group=influence.AREAS_PER_GROUP)
    assert 0 <= unrelated < 0.03  # 20 groups of 86: a bias of about 19 / 1,719
