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


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        # Published exact (Garwood) 95% limits for a Poisson count.
        (1, 0.0253, 5.5716),
        (10, 4.7954, 18.3904),
        (0, 0.0, 3.6889),
    ],
)
def test_exact_poisson_interval_matches_published_limits(count, low, high):
    got_low, got_high = scoring.exact_poisson_interval([count])
    assert got_low[0] == pytest.approx(low, abs=5e-5)
    assert got_high[0] == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize("count", [1, 2, 5, 9, 10, 50, 400])
def test_exact_poisson_interval_equals_scipy_chi_square_quantiles(count):
    low, high = scoring.exact_poisson_interval([count])
    assert low[0] == pytest.approx(stats.chi2.ppf(0.025, 2 * count) / 2, rel=1e-12)
    assert high[0] == pytest.approx(stats.chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-12)
    # Byar's approximation, used before, was 48% off the exact lower limit at a count of 1.
    if count == 1:
        byar_low = count * (1 - 1 / (9 * count) - Z / (3 * math.sqrt(count))) ** 3
        assert abs(byar_low - low[0]) / low[0] > 0.4


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


def test_decile_flag_is_exactly_the_worst_national_decile():
    # Deciles, higher is better: three areas share decile 1 among 11; decile 2 is never
    # "tied into" the worst tenth.
    deciles = pd.Series([1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 10, np.nan], dtype=float)
    flags = scoring.flag_worst_tenth(deciles, "higher_is_better", "decile")
    assert flags.tolist()[:11] == [True, True, True] + [False] * 8
    assert pd.isna(flags.iloc[11])
    # Averaged, the tied three sit at (9 + 10 + 11) / 3 = rank 10 of 11 -> 90.
    assert scoring.worse_percentile(deciles.iloc[:11], "higher_is_better").iloc[0] == 90.0


def test_continuous_flag_never_covers_more_than_a_tenth_and_leaves_a_straddling_tie():
    # 20 areas, higher is worse: a tenth is 2 areas. The two highest are flagged.
    values = pd.Series(range(20), dtype=float)
    assert scoring.flag_worst_tenth(values, "higher_is_worse").sum() == 2
    assert scoring.flag_worst_tenth(values, "higher_is_worse").iloc[-2:].all()
    # Three areas tie at the worst value: they do not fit in 2 places, so none is flagged.
    tied = pd.Series([*range(17), 99, 99, 99], dtype=float)
    assert scoring.flag_worst_tenth(tied, "higher_is_worse").sum() == 0
    # Higher is better: the lowest are the worst.
    assert scoring.flag_worst_tenth(values, "higher_is_better").iloc[:2].all()
    assert scoring.flag_worst_tenth(values, "higher_is_better").sum() == 2


@pytest.mark.parametrize("n", [1, 7, 9])
def test_fewer_than_ten_areas_have_no_worst_tenth(n):
    values = pd.Series(range(n), dtype=float)
    assert scoring.flag_worst_tenth(values, "higher_is_worse").sum() == 0


@pytest.mark.parametrize("n", [10, 99, 1719, 35672])
def test_flag_share_never_exceeds_a_tenth(n):
    values = pd.Series(np.random.default_rng(n).integers(0, 50, n), dtype=float)
    flagged = scoring.flag_worst_tenth(values, "higher_is_worse").sum()
    assert flagged <= n / 10


def test_no_judgement_has_no_flag():
    assert scoring.flag_worst_tenth(pd.Series([1.0, 2.0]), "no_judgement").isna().all()


def test_worse_decile_and_rank():
    worse = pd.Series([0.0, 9.9, 10.0, 89.9, 90.0, 100.0])
    assert scoring.worse_decile(worse).tolist() == [1, 1, 2, 9, 10, 10]
    assert scoring.rank_worst_first(worse).tolist() == [6, 5, 4, 3, 2, 1]


def test_composite_weighted_mean_and_flag_count_by_hand():
    worse = pd.DataFrame(
        {"a": [95.0, 10.0], "b": [20.0, np.nan], "c": [50.0, 40.0]}, index=["X", "Y"]
    )
    flags = pd.DataFrame(
        {"a": [True, False], "b": [False, pd.NA], "c": [False, False]}, index=["X", "Y"]
    )
    domains = {"a": "health", "b": "health", "c": "housing"}
    result = scoring.composite(
        worse, flags, domains, indicator_weights={"a": 3.0}, domain_weights={"housing": 2.0}
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


def test_composite_counts_the_flags_it_is_given_not_its_own_threshold():
    # A worse percentile of 95 is not a flag unless the one flag rule says so (a tie, say).
    worse = pd.DataFrame({"a": [95.0, 95.0]}, index=["X", "Y"])
    flags = pd.DataFrame({"a": [False, True]}, index=["X", "Y"])
    result = scoring.composite(worse, flags, {"a": "health"})
    assert result["overall_flags"].tolist() == [0, 1]


def test_composite_with_a_domain_weighted_zero_leaves_it_out():
    worse = pd.DataFrame({"a": [100.0], "c": [0.0]})
    flags = pd.DataFrame({"a": [True], "c": [False]})
    result = scoring.composite(
        worse, flags, {"a": "health", "c": "housing"}, domain_weights={"health": 0}
    )
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
