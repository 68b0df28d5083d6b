"""Nominal weights against effective influence, and indicators that say the same thing.

A weight is not an importance: with correlated indicators, the share of the composite's
variation an indicator explains rarely matches the share of weight it was given (Paruolo,
Saisana and Saltelli, "Ratings and rankings: voodoo or science?", J. R. Stat. Soc. A 176,
2013). Their measure is the first-order sensitivity index, the correlation ratio
eta^2 = Var(E[y | x_i]) / Var(y) of composite y and indicator x_i; here it is estimated by
the composite's mean within equal-count groups of the indicator (each value its own group
when there are few), beside the squared correlation r^2 (equal to it when the relation is
a straight line). Pure numpy and pandas, no database.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GROUPS = 20  # equal-count groups for the correlation ratio; ~86 areas each at 1,719 LSOAs
# What the pages ask of each group: with fewer areas a group's mean is mostly noise, and
# eta^2 is biased up by about (groups - 1) / areas (7 districts, each its own group, would
# give 1 for anything).
AREAS_PER_GROUP = 30
REDUNDANT_ABOVE = 0.9  # |r| at or above this: nearly the same information


def correlation_ratio(
    x: np.ndarray, y: np.ndarray, groups: int = GROUPS, per_group: int = 1
) -> float:
    """eta^2 of y on x over the pairs where both are present: the share of y's variance
    between groups of x (its distinct values when there are at most `groups`, else that
    many equal-count groups by rank), at most one group per `per_group` areas: nan where
    that leaves fewer than two."""
    both = ~(np.isnan(x) | np.isnan(y))
    x, y = x[both], y[both]
    groups = min(groups, len(y) // per_group)
    if groups < 2 or float(np.var(y)) == 0:
        return float("nan")
    total = float(np.var(y))
    values = pd.Series(x)
    if values.nunique() <= groups:
        group = values.to_numpy()
    else:
        group = pd.qcut(values.rank(method="first"), groups, labels=False).to_numpy()
    frame = pd.DataFrame({"group": group, "y": y})
    means = frame.groupby("group")["y"].transform("mean").to_numpy()
    return float(np.mean((means - y.mean()) ** 2) / total)


def squared_correlation(x: np.ndarray, y: np.ndarray) -> float:
    both = ~(np.isnan(x) | np.isnan(y))
    x, y = x[both], y[both]
    if len(y) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1] ** 2)


def influence_table(
    worse: pd.DataFrame, composite: pd.Series, nominal: dict[str, float], per_group: int = 1
) -> pd.DataFrame:
    """Per indicator (column of `worse` named in `nominal`, its share of the composite's
    weight, summing to 1): r^2, eta^2, and its share of the summed eta^2 (effective
    influence, comparable with the nominal share); `ratio` is influence / nominal."""
    y = composite.reindex(worse.index).to_numpy(dtype=float)
    rows = []
    for column, share in nominal.items():
        x = worse[column].to_numpy(dtype=float)
        rows.append(
            {
                "indicator": column,
                "nominal": share,
                "r2": squared_correlation(x, y),
                "eta2": correlation_ratio(x, y, per_group=per_group),
            }
        )
    table = pd.DataFrame(rows, columns=["indicator", "nominal", "r2", "eta2"])
    total = table["eta2"].sum(skipna=True)
    table["influence"] = table["eta2"] / total if total > 0 else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        table["ratio"] = table["influence"] / table["nominal"].where(table["nominal"] > 0)
    return table.set_index("indicator")


def correlation_matrix(worse: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlation of the indicators' worse percentiles over the areas with both:
    on percentiles this is a rank correlation, so a few extreme values do not drive it."""
    varying = [c for c in worse.columns if worse[c].nunique(dropna=True) > 1]
    return worse[varying].corr(min_periods=10)


def redundant_pairs(
    correlations: pd.DataFrame, threshold: float = REDUNDANT_ABOVE
) -> list[tuple[str, str, float]]:
    """Pairs of indicators correlated at |r| >= threshold, strongest first."""
    columns = list(correlations.columns)
    pairs = []
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            r = correlations.loc[a, b]
            if pd.notna(r) and abs(r) >= threshold:
                pairs.append((a, b, float(r)))
    return sorted(pairs, key=lambda pair: -abs(pair[2]))


def redundancy_words(pair: tuple[str, str, float], titles: dict[str, str]) -> str:
    a, b, r = pair
    return (
        f"{titles.get(a, a)} and {titles.get(b, b)} move together (r = {r:.2f}): with both "
        "in, what they share counts about twice."
    )
