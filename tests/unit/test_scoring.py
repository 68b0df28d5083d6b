"""Scoring arithmetic on small hand-made numbers; every expected value is worked out here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from arp import scoring

Z = 1.959963984540054


def test_wilson_interval_by_hand():
    # p = 0.5, n = 600: centre = (0.5 + z^2/1200) / (1 + z^2/600) = 0.5 exactly, and
    # half-width = z sqrt(0.25/600 + z^2/(4 x 600^2)) / (1 + z^2/600).
    half = Z * math.sqrt(0.25 / 600 + Z**2 / (4 * 600**2)) / (1 + Z**2 / 600)
    low, high = scoring.wilson_interval(300, 600)
    assert low == pytest.approx(0.5 - half)
    assert high == pytest.approx(0.5 + half)
    assert (round(float(low), 4), round(float(high), 4)) == (0.4601, 0.5399)


def test_wilson_interval_stays_inside_0_and_1_at_the_edges():
    low, high = scoring.wilson_interval([0, 20], [20, 20])
    assert low[0] == 0.0
    assert high[1] == pytest.approx(1.0)
    assert 0 < high[0] < 0.17  # 0 of 20 still allows up to about 16%
    assert 0.83 < low[1] < 1


def test_byar_interval_by_hand_and_close_to_exact():
    # O = 10: lower = 10 (1 - 1/90 - z/(3 sqrt 10))^3, upper = 11 (1 - 1/99 + z/(3 sqrt 11))^3
    low, high = scoring.byar_interval([10])
    assert low[0] == pytest.approx(10 * (1 - 1 / 90 - Z / (3 * math.sqrt(10))) ** 3)
    assert high[0] == pytest.approx(11 * (1 - 1 / 99 + Z / (3 * math.sqrt(11))) ** 3)
    exact_low = stats.chi2.ppf(0.025, 20) / 2
    exact_high = stats.chi2.ppf(0.975, 22) / 2
    assert low[0] == pytest.approx(exact_low, rel=0.01)
    assert high[0] == pytest.approx(exact_high, rel=0.01)


def test_byar_interval_for_zero_events():
    low, high = scoring.byar_interval([0])
    assert low[0] == 0.0
    assert high[0] == pytest.approx(3.668, abs=0.001)  # exact: 3.689


@pytest.mark.parametrize(
    ("numerator", "denominator", "reason"),
    [
        (9, 1000, "fewer than 10 counted"),
        (0, 1000, "fewer than 10 counted"),  # a zero is withheld too, never shown as 0
        (10, 1000, None),
        (30, 49, "denominator under 50"),
        (30, 50, None),
    ],
)
def test_suppression(numerator, denominator, reason):
    result = scoring.suppression_reason([numerator], [denominator]).iloc[0]
    assert (None if pd.isna(result) else result) == reason


def test_percentiles_with_ties_share_the_average_rank():
    values = pd.Series([1.0, 2.0, 2.0, 3.0, np.nan])
    # ranks 1, 2.5, 2.5, 4 of n = 4: (r - 1) / 3 x 100
    assert scoring.percentile(values).tolist()[:4] == [0.0, 50.0, 50.0, 100.0]
    assert math.isnan(scoring.percentile(values).iloc[4])


def test_polarity_flip_makes_100_the_worst():
    values = pd.Series([70.0, 80.0, 90.0])  # life expectancy: higher is better
    assert scoring.worse_percentile(values, "higher_is_better").tolist() == [100.0, 50.0, 0.0]
    assert scoring.worse_percentile(values, "higher_is_worse").tolist() == [0.0, 50.0, 100.0]
    assert scoring.worse_percentile(values, "no_judgement").isna().all()


def test_worst_tenth_flag_includes_every_area_tied_with_the_worst():
    # Deciles, higher is better: three areas share the worst decile (1) among 11 areas.
    deciles = pd.Series([1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    flags = scoring.flag_worst_tenth(deciles, "higher_is_better")
    assert flags.tolist() == [True, True, True] + [False] * 8
    # Averaged, the tied three sit at (9 + 10 + 11) / 3 = rank 10 of 11 -> 90.
    assert scoring.worse_percentile(deciles, "higher_is_better").iloc[0] == pytest.approx(90.0)


def test_worse_decile_and_rank():
    worse = pd.Series([0.0, 9.9, 10.0, 89.9, 90.0, 100.0])
    assert scoring.worse_decile(worse).tolist() == [1, 1, 2, 9, 10, 10]
    assert scoring.rank_worst_first(worse).tolist() == [6, 5, 4, 3, 2, 1]


def test_composite_weighted_mean_and_flag_count_by_hand():
    worse = pd.DataFrame(
        {"a": [95.0, 10.0], "b": [20.0, np.nan], "c": [50.0, 40.0]}, index=["X", "Y"]
    )
    domains = {"a": "health", "b": "health", "c": "housing"}
    result = scoring.composite(
        worse, domains, indicator_weights={"a": 3.0}, domain_weights={"housing": 2.0}
    )
    # X: health = (3 x 95 + 1 x 20) / 4 = 76.25; housing = 50; overall = (76.25 + 2 x 50) / 3
    assert result.loc["X", "health_score"] == pytest.approx(76.25)
    assert result.loc["X", "overall_score"] == pytest.approx((76.25 + 100) / 3)
    assert result.loc["X", "health_flags"] == 1
    assert result.loc["X", "overall_flags"] == 1
    # Y has no value for b: health = a alone = 10 (weights renormalised over what exists)
    assert result.loc["Y", "health_score"] == pytest.approx(10.0)
    assert result.loc["Y", "overall_score"] == pytest.approx((10 + 2 * 40) / 3)
    assert result.loc["Y", "overall_flags"] == 0


def test_composite_with_a_domain_weighted_zero_leaves_it_out():
    worse = pd.DataFrame({"a": [100.0], "c": [0.0]})
    result = scoring.composite(worse, {"a": "health", "c": "housing"}, domain_weights={"health": 0})
    assert result["overall_score"].iloc[0] == 0.0
    assert result["overall_flags"].iloc[0] == 1  # the flag is still counted: nothing hides it


def test_exposure_and_ratio_by_hand():
    residents = pd.DataFrame(
        {"Group A": [100, 300], "White": [300, 100], "Total": [400, 400]}, index=["L1", "L2"]
    )
    values = pd.Series([10.0, 30.0], index=["L1", "L2"])
    table = scoring.exposure(residents, values, "White")
    # Group A: (100 x 10 + 300 x 30) / 400 = 25; White: (300 x 10 + 100 x 30) / 400 = 15
    assert table.loc["Group A", "mean_value"] == pytest.approx(25.0)
    assert table.loc["White", "mean_value"] == pytest.approx(15.0)
    assert table.loc["Total", "mean_value"] == pytest.approx(20.0)
    assert table.loc["Group A", "gap_to_reference"] == pytest.approx(10.0)
    assert table.loc["Group A", "ratio_to_reference"] == pytest.approx(25 / 15)
    assert table.loc["Group A", "ratio_to_all"] == pytest.approx(1.25)


def test_exposure_leaves_areas_without_a_value_out_for_everyone():
    residents = pd.DataFrame({"White": [10, 10], "Total": [20, 20]}, index=["L1", "L2"])
    table = scoring.exposure(residents, pd.Series([5.0, np.nan], index=["L1", "L2"]), "White")
    assert table.loc["White", "residents"] == 10
    assert table.loc["White", "mean_value"] == 5.0


def test_rate_ratio_interval_by_hand():
    ratio, low, high = scoring.rate_ratio_interval(40, 1000, 20, 2000)
    # rates 40/1000 and 20/2000: ratio 4; log-scale half-width z sqrt(1/40 + 1/20)
    spread = Z * math.sqrt(1 / 40 + 1 / 20)
    assert ratio == pytest.approx(4.0)
    assert low == pytest.approx(4 * math.exp(-spread))
    assert high == pytest.approx(4 * math.exp(spread))
    _, low_zero, high_zero = scoring.rate_ratio_interval(0, 1000, 20, 2000)
    assert np.isnan(low_zero)
    assert np.isnan(high_zero)
