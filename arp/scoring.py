"""Scoring: intervals, disclosure control, percentiles with polarity, composites, exposure.

Pure functions on numbers and DataFrames: no database, no Streamlit, each tested by hand.

Conventions, used everywhere:
- `percentile` places an area's value among the others, 0 (lowest) to 100 (highest):
  (rank - 1) / (n - 1) x 100, where tied values share the average of their ranks
  (values 1, 2, 2, 3 give 0, 50, 50, 100).
- `worse_percentile` applies polarity so that 100 is always the worst-placed area; it is
  empty for indicators with no judgement.
- `flag_worst_tenth` is the one worst-10% rule, used by the map, tables, profiles and the
  composites' flag counts alike. A continuous value is flagged when the area and every area
  tied with it fit within the worst-placed tenth of the areas ranked: counting from the
  worst, the last of its tied group is at position n/10 or better. So at most a tenth of the
  areas are ever flagged (none when fewer than 10 are ranked), and a tie that straddles the
  line is left unflagged. A published national decile already answers the question: the
  flag is exactly "in England's most deprived tenth" (decile 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

Z_95 = 1.959963984540054
SUPPRESS_NUMERATOR_BELOW = 10
SUPPRESS_DENOMINATOR_BELOW = 50
WORST_TENTH = 0.1
SCALES = ("continuous", "decile")


def wilson_interval(numerator, denominator, z: float = Z_95):
    """Wilson score interval for a proportion numerator/denominator, as fractions 0..1."""
    n = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(numerator, dtype=float) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def exact_poisson_interval(count, z: float = Z_95):
    """Exact (Garwood) 95% interval for a Poisson count, from chi-square quantiles:
    lower chi2(alpha/2; 2O) / 2, upper chi2(1 - alpha/2; 2O + 2) / 2. A count of 0 has
    lower limit 0."""
    observed = np.asarray(count, dtype=float)
    alpha = 2 * stats.norm.sf(z)
    with np.errstate(invalid="ignore"):
        low = stats.chi2.ppf(alpha / 2, 2 * observed) / 2
        high = stats.chi2.ppf(1 - alpha / 2, 2 * observed + 2) / 2
    return np.where(observed == 0, 0.0, low), high


def suppression_reason(numerator, denominator) -> pd.Series:
    """Why a count-based value is withheld, or empty. Small numbers identify people and are
    unstable, so values resting on them are shown as 'suppressed', never as zero."""
    num = pd.Series(numerator, dtype="float64")
    den = pd.Series(denominator, dtype="float64").set_axis(num.index)
    reason = pd.Series(pd.NA, index=num.index, dtype="string")
    reason[den < SUPPRESS_DENOMINATOR_BELOW] = f"denominator under {SUPPRESS_DENOMINATOR_BELOW}"
    reason[num < SUPPRESS_NUMERATOR_BELOW] = f"fewer than {SUPPRESS_NUMERATOR_BELOW} counted"
    return reason


def percentile(values: pd.Series, ties: str = "average") -> pd.Series:
    """Position of each value among the others, 0 (lowest) to 100 (highest).

    `ties` is how tied values are ranked (pandas rank method): 'average' for the position
    shown, 'max' for the worst-10% flag. A single area gets 50.
    """
    valid = values.notna()
    result = pd.Series(np.nan, index=values.index)
    n = int(valid.sum())
    if n == 1:
        result[valid] = 50.0
    elif n > 1:
        ranks = values[valid].rank(method=ties)
        result[valid] = (ranks - 1) / (n - 1) * 100
    return result


def worse_percentile(values: pd.Series, polarity: str, ties: str = "average") -> pd.Series:
    """Percentile where 100 is always the worst-placed area; empty with no judgement."""
    if polarity == "higher_is_worse":
        return percentile(values, ties)
    if polarity == "higher_is_better":
        return percentile(-values, ties)
    return pd.Series(np.nan, index=values.index)


def flag_worst_tenth(values: pd.Series, polarity: str, scale: str = "continuous") -> pd.Series:
    """True for areas in the worst tenth (see the module docstring for the one rule); empty
    with no judgement or no value."""
    flags = pd.Series(pd.NA, index=values.index, dtype="boolean")
    valid = values.notna()
    if polarity not in ("higher_is_worse", "higher_is_better") or not valid.any():
        return flags
    if scale == "decile":
        worst_decile = 10 if polarity == "higher_is_worse" else 1
        flags[valid] = values[valid] == worst_decile
        return flags
    worse_first = -values[valid] if polarity == "higher_is_worse" else values[valid]
    last_of_tie = worse_first.rank(method="max")
    flags[valid] = last_of_tie <= WORST_TENTH * int(valid.sum())
    return flags


def worse_decile(worse: pd.Series) -> pd.Series:
    """1 (best-placed tenth) to 10 (worst-placed tenth) from a worse_percentile."""
    return np.minimum(np.floor(worse / 10) + 1, 10).astype("Float64")


def rank_worst_first(worse: pd.Series) -> pd.Series:
    return worse.rank(method="min", ascending=False).astype("Int64")


def composite(
    worse_percentiles: pd.DataFrame,
    flags: pd.DataFrame,
    indicator_domains: dict[str, str],
    indicator_weights: dict[str, float] | None = None,
    domain_weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Domain and overall composites for each area (row), from a wide frame of
    worse_percentiles (one column per indicator) and the same indicators' worst-10% flags
    (from `flag_worst_tenth`, so the counts here are the flags every other surface shows).

    A domain score is the weighted mean of its indicators' worse_percentiles, over the
    indicators the area has a value for; the overall score is the weighted mean of domain
    scores. Weights default to 1. Beside each score, the plain count of indicators in the
    worst 10%, so a good domain cannot hide a bad one.
    """
    indicator_weights = indicator_weights or {}
    domain_weights = domain_weights or {}
    columns = [c for c in worse_percentiles.columns if c in indicator_domains]
    values = worse_percentiles[columns].to_numpy(dtype=float)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    weights = np.array([indicator_weights.get(c, 1.0) for c in columns], dtype=float)
    flagged = flags.reindex(index=worse_percentiles.index, columns=columns)
    flagged = flagged.fillna(False).to_numpy(dtype=bool)
    domains = sorted({indicator_domains[c] for c in columns})
    out = {}
    domain_scores = []
    domain_weight_list = []
    for domain in domains:
        in_domain = np.array([indicator_domains[c] == domain for c in columns])
        w = weights * in_domain
        total_weight = (present * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (filled * w).sum(axis=1) / total_weight
        score = np.where(total_weight > 0, score, np.nan)
        out[f"{domain}_score"] = score
        out[f"{domain}_flags"] = (flagged & in_domain).sum(axis=1)
        domain_scores.append(score)
        domain_weight_list.append(domain_weights.get(domain, 1.0))
    if domains:
        scores = np.column_stack(domain_scores)
        dw = np.array(domain_weight_list)
        has = ~np.isnan(scores)
        total = (has * dw).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            overall = (np.where(has, scores, 0.0) * dw).sum(axis=1) / total
        out["overall_score"] = np.where(total > 0, overall, np.nan)
    else:
        out["overall_score"] = np.full(len(worse_percentiles), np.nan)
    out["overall_flags"] = flagged.sum(axis=1)
    return pd.DataFrame(out, index=worse_percentiles.index)


def exposure(residents: pd.DataFrame, values: pd.Series, reference_group: str) -> pd.DataFrame:
    """Population-weighted exposure: the average value experienced by each group's residents.

    `residents`: one row per base area (index), one column per ethnic group plus 'Total'.
    `values`: the indicator per base area (same index); areas without a value are left out
    of every group alike. Returns per group: residents, mean value, gap and ratio to the
    reference group and to all residents.
    """
    valid = values.notna()
    weights = residents.loc[valid[valid].index.intersection(residents.index)]
    v = values.loc[weights.index].astype(float)
    people = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = weights.mul(v, axis=0).sum(axis=0) / people
    table = pd.DataFrame({"residents": people, "mean_value": means})
    table.index.name = "ethnic_group"
    reference = table.loc[reference_group, "mean_value"]
    overall = table.loc["Total", "mean_value"]
    table["gap_to_reference"] = table["mean_value"] - reference
    table["ratio_to_reference"] = table["mean_value"] / reference
    table["gap_to_all"] = table["mean_value"] - overall
    table["ratio_to_all"] = table["mean_value"] / overall
    return table


def rate_ratio_interval(count_a, population_a, count_b, population_b, z: float = Z_95):
    """Ratio of two rates with its 95% interval (log method, Poisson counts).

    With no events in either group the log interval is undefined and left empty.
    """
    a, b = np.asarray(count_a, dtype=float), np.asarray(count_b, dtype=float)
    rate_a = a / np.asarray(population_a, dtype=float)
    rate_b = b / np.asarray(population_b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = rate_a / rate_b
        spread = z * np.sqrt(1 / a + 1 / b)
        low = np.where(a * b > 0, ratio * np.exp(-spread), np.nan)
        high = np.where(a * b > 0, ratio * np.exp(spread), np.nan)
    return ratio, low, high
