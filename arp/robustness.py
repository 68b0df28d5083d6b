"""How much a composite's answer depends on its weights: pure numpy, no database.

A composite (arp.scoring.composite) is a two-stage weighted mean: a domain score is the
weighted mean of the worse percentiles of its indicators that the area has, and the overall
score the weighted mean of the domain scores the area has. Both means divide by the weights
present, so only the weights' proportions matter. Here the weights are drawn many times
around a scenario's and the composite recomputed under each draw, to say for every area its
median rank, the band its rank stays in (5th to 95th percentile of the draws), and the share
of draws that put it in the worst 10% (the one rule of arp.scoring.flag_worst_tenth).

The draws (documented on the Framework page, arp.method.WEIGHTS_TEXT):
- *Plausible weightings* (the default): every set of weights the composite uses (the domain
  weights of the overall composite, and the indicator weights within each domain) is drawn
  from a Dirichlet distribution centred on the scenario's proportions w (summing to 1) with
  parameters alpha_i = CONCENTRATION x K x w_i, for the K weights of the set. Its mean is w;
  a weight's relative standard deviation is sqrt((1 - w_i) / (w_i (CONCENTRATION K + 1))),
  for equal weights sqrt((K - 1) / (CONCENTRATION K + 1)): 29% for 8 domains, 22% for 2.
- *Any weighting* (the "anything goes" bound): each set drawn uniformly over all its
  weightings (Dirichlet with every alpha 1), whatever the scenario's values.
- A weight the scenario sets to 0 stays 0 in every draw: the scenario left it out. A set with
  one weight needs no draw. Seeded (numpy's default generator): the same settings give the
  same draws, and so the same answer, every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from arp import scoring

CONCENTRATION = 10.0
DRAWS = 1000
SEED = 20131  # fixed, so a room sees the same answer after a reload
ROBUST_SHARE = 0.9  # in the worst 10% under at least this share of draws: "robustly"
RARE_SHARE = 0.1  # at most this share: "rarely"; between the two: "depends on the weights"
BAND = (0.05, 0.95)


@dataclass(frozen=True)
class DrawSettings:
    """How the weights are drawn: `spread` "plausible" (Dirichlet centred on the scenario,
    `concentration`) or "any" (uniform over all weightings)."""

    draws: int = DRAWS
    spread: Literal["plausible", "any"] = "plausible"
    concentration: float = CONCENTRATION
    seed: int = SEED

    @property
    def noun(self) -> str:
        return "plausible weightings" if self.spread == "plausible" else "possible weightings"

    def describe(self) -> str:
        if self.spread == "any":
            return (
                f"{self.draws:,} weightings drawn uniformly over all weightings of what the "
                f"scenario includes (seed {self.seed})"
            )
        return (
            f"{self.draws:,} weightings around the scenario's (Dirichlet, "
            f"concentration {self.concentration:g} per weight, seed {self.seed})"
        )


DEFAULT_DRAWS = DrawSettings()


@dataclass(frozen=True)
class Structure:
    """What one composite averages: its indicator columns, the domain of each (an index
    into `domains`), and the scenario's weights for both."""

    columns: list[str]
    domain_index: np.ndarray  # per column
    domains: list[str]
    indicator_weights: np.ndarray  # per column, as the scenario gives them
    domain_weights: np.ndarray  # per domain

    def effective_domain_weights(self) -> np.ndarray:
        """A domain none of whose indicators has weight counts for nothing."""
        alive = np.array(
            [
                (self.indicator_weights[self.domain_index == d] > 0).any()
                for d in range(len(self.domains))
            ],
            dtype=bool,
        )
        return np.where(alive, self.domain_weights, 0.0)


def structure(
    columns: list[str],
    indicator_domains: dict[str, str],
    indicator_weights: dict[str, float] | None = None,
    domain_weights: dict[str, float] | None = None,
    target: str = "overall",
) -> Structure:
    """The structure of the overall composite (`target` "overall") or of one domain's
    (`target` its id), with weights defaulting to 1 as arp.scoring.composite does."""
    indicator_weights = indicator_weights or {}
    domain_weights = domain_weights or {}
    kept = [
        c
        for c in columns
        if c in indicator_domains and (target == "overall" or indicator_domains[c] == target)
    ]
    domains = sorted({indicator_domains[c] for c in kept})
    return Structure(
        kept,
        np.array([domains.index(indicator_domains[c]) for c in kept], dtype=int),
        domains,
        np.array([float(indicator_weights.get(c, 1.0)) for c in kept]),
        # A domain's own composite is computed whatever the domain's weight in the overall.
        np.array(
            [float(domain_weights.get(d, 1.0)) if target == "overall" else 1.0 for d in domains]
        ),
    )


@dataclass(frozen=True)
class WeightDraws:
    """One row per draw: indicator weights (per column) and domain weights (per domain)."""

    indicator: np.ndarray
    domain: np.ndarray


def _draw_set(rng: np.random.Generator, centre: np.ndarray, settings: DrawSettings) -> np.ndarray:
    """`settings.draws` proportions for one set of weights; zeros stay zero."""
    out = np.zeros((settings.draws, len(centre)))
    live = centre > 0
    k = int(live.sum())
    if k == 0:
        return out
    if k == 1:
        out[:, live] = 1.0
        return out
    if settings.spread == "any":
        alpha = np.ones(k)
    else:
        alpha = settings.concentration * k * centre[live] / centre[live].sum()
    out[:, live] = rng.dirichlet(alpha, size=settings.draws)
    return out


def draw_weights(shape: Structure, settings: DrawSettings = DEFAULT_DRAWS) -> WeightDraws:
    """Seeded draws: the domain weights first, then each domain's indicator weights, in the
    order of `shape.domains`, so the same settings always give the same draws."""
    rng = np.random.default_rng(settings.seed)
    domain = _draw_set(rng, shape.effective_domain_weights(), settings)
    indicator = np.zeros((settings.draws, len(shape.columns)))
    for d in range(len(shape.domains)):
        in_domain = shape.domain_index == d
        indicator[:, in_domain] = _draw_set(rng, shape.indicator_weights[in_domain], settings)
    return WeightDraws(indicator, domain)


def centre_weights(shape: Structure) -> WeightDraws:
    """The scenario's own weights as a single draw."""
    return WeightDraws(shape.indicator_weights[None, :], shape.effective_domain_weights()[None, :])


def scores_under(worse: np.ndarray, shape: Structure, draws: WeightDraws) -> np.ndarray:
    """Composite scores (draws x areas) from worse percentiles (areas x `shape.columns`,
    NaN where an area has no value), as arp.scoring.composite computes them for each
    draw's weights."""
    present = ~np.isnan(worse)
    out = np.empty((len(draws.domain), worse.shape[0]))
    # An area with every value is a plain weighted mean: one product with each draw's
    # weights folded together (domain share x indicator share). The rest (a few areas
    # missing a value) take the two stages, dividing by the weights they have.
    complete = present.all(axis=1)
    if complete.any():
        within = _domain_totals(draws.indicator, shape)
        # a domain none of whose indicators weighs anything drops out, as in the composite
        domain = np.where(within > 0, draws.domain, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            domain_share = domain / domain.sum(axis=1, keepdims=True)
        within_share = np.where(within > 0, within, 1.0)[:, shape.domain_index]
        folded = draws.indicator / within_share * domain_share[:, shape.domain_index]
        out[:, complete] = folded @ worse[complete].T
    if (~complete).any():
        out[:, ~complete] = _two_stage(worse[~complete], present[~complete], shape, draws)
    return out


def _domain_totals(weights: np.ndarray, shape: Structure) -> np.ndarray:
    """Per draw, each domain's total indicator weight."""
    totals = np.zeros((len(weights), len(shape.domains)))
    np.add.at(totals.T, shape.domain_index, weights.T)
    return totals


def _two_stage(
    worse: np.ndarray, present: np.ndarray, shape: Structure, draws: WeightDraws
) -> np.ndarray:
    filled = np.where(present, worse, 0.0)
    n_draws, n_areas = len(draws.domain), worse.shape[0]
    total = np.zeros((n_draws, n_areas))
    weight_present = np.zeros((n_draws, n_areas))
    for d in range(len(shape.domains)):
        cols = np.flatnonzero(shape.domain_index == d)
        w = draws.indicator[:, cols]  # draws x indicators of the domain
        numerator = w @ filled[:, cols].T
        denominator = w @ present[:, cols].T.astype(float)
        has = denominator > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(has, numerator / denominator, 0.0)
        dw = draws.domain[:, d : d + 1]
        total += dw * score
        weight_present += dw * has
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_present > 0, total / weight_present, np.nan)


def ranks_worst_first(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (draw), each area's rank with 1 the highest score: ties share the lowest
    rank of their group ("min", as arp.scoring.rank_worst_first) and, second, the highest
    ("max", what the worst-10% rule counts). Areas with no score get rank 0."""
    key = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-key, axis=1)
    ordered = np.take_along_axis(key, order, axis=1)
    n = scores.shape[1]
    rows = np.arange(len(scores))[:, None]
    position = np.broadcast_to(np.arange(1, n + 1), ordered.shape)
    tied = ordered[:, 1:] == ordered[:, :-1]
    if tied.any():  # rare with real weights, but the rule for ties must hold
        starts = np.ones(ordered.shape, dtype=bool)
        starts[:, 1:] = ~tied
        ends = np.ones(ordered.shape, dtype=bool)
        ends[:, :-1] = ~tied
        low_sorted = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
        high_sorted = np.minimum.accumulate(np.where(ends, position, n + 1)[:, ::-1], axis=1)
        high_sorted = high_sorted[:, ::-1]
    else:
        low_sorted = high_sorted = position
    low = np.empty(ordered.shape, dtype=np.int64)
    high = np.empty(ordered.shape, dtype=np.int64)
    low[rows, order] = low_sorted
    high[rows, order] = high_sorted
    missing = np.isnan(scores)
    low[missing] = 0
    high[missing] = 0
    return low, high


def in_worst(high_ranks: np.ndarray, scored: np.ndarray, fraction: float) -> np.ndarray:
    """The worst-10% rule of arp.scoring.flag_worst_tenth on ranks: an area is in when the
    last of its tied group is within `fraction` of the areas scored (per row)."""
    return scored & (high_ranks <= fraction * scored.sum(axis=1, keepdims=True))


@dataclass
class Robustness:
    """Per area (index): its score, rank and worst-10% flag under the scenario itself, and
    over the draws its median rank, rank band and share of draws in the worst 10%."""

    frame: pd.DataFrame
    settings: DrawSettings
    fraction: float = scoring.WORST_TENTH

    def counts(self) -> dict[str, int]:
        """Areas robustly in, depending on the weights, rarely in, never in."""
        share = self.frame["worst_share"].dropna()
        return {
            "robust": int((share >= ROBUST_SHARE).sum()),
            "depends": int(((share > RARE_SHARE) & (share < ROBUST_SHARE)).sum()),
            "rarely": int(((share > 0) & (share <= RARE_SHARE)).sum()),
            "never": int((share == 0).sum()),
        }


def robustness(
    worse: pd.DataFrame,
    shape: Structure,
    settings: DrawSettings = DEFAULT_DRAWS,
    fraction: float = scoring.WORST_TENTH,
    draws: WeightDraws | None = None,
) -> Robustness:
    """Rank uncertainty under weight uncertainty for every area (row of `worse`), over
    `draws` when given (a test's hand-picked weights), else over `draw_weights(settings)`."""
    values = worse.reindex(columns=shape.columns).to_numpy(dtype=float)
    at_centre = scores_under(values, shape, centre_weights(shape))
    centre_low, centre_high = ranks_worst_first(at_centre)
    if draws is None:
        draws = draw_weights(shape, settings)
    scores = scores_under(values, shape, draws)
    low, high = ranks_worst_first(scores)
    scored = ~np.isnan(scores)
    share = in_worst(high, scored, fraction).mean(axis=0)
    has_score = scored[0] if len(scored) else np.zeros(len(worse), dtype=bool)
    quantiles = np.full((3, len(worse)), np.nan)
    if has_score.any() and len(low):
        # inverted_cdf: each figure is a rank some draw gave (the smallest with at least
        # that share of draws at or below it), so it can be checked by counting.
        quantiles[:, has_score] = np.quantile(
            low[:, has_score], [BAND[0], 0.5, BAND[1]], axis=0, method="inverted_cdf"
        )
    centre_scored = ~np.isnan(at_centre)
    frame = pd.DataFrame(
        {
            "score": at_centre[0],
            "rank": np.where(centre_scored[0], centre_low[0], np.nan),
            "worst": in_worst(centre_high, centre_scored, fraction)[0],
            "median_rank": quantiles[1],
            "rank_low": quantiles[0],
            "rank_high": quantiles[2],
            "worst_share": np.where(has_score, share, np.nan),
        },
        index=worse.index,
    )
    return Robustness(frame, settings, fraction)


# --- in words ----------------------------------------------------------------------------


def share_percent(share: float) -> str:
    """A share as a whole percent that never says 100% or 0% unless it is exactly so."""
    percent = round(share * 100)
    if share < 1 and percent == 100:
        percent = 99
    if share > 0 and percent == 0:
        percent = 1
    return f"{percent}%"


def category(share: float) -> str:
    """robust | depends | rarely | never (| none: no score)."""
    if pd.isna(share):
        return "none"
    if share >= ROBUST_SHARE:
        return "robust"
    if share > RARE_SHARE:
        return "depends"
    return "rarely" if share > 0 else "never"


CATEGORY_ORDER = ("never", "rarely", "depends", "robust")  # best to worst


def category_label(name: str, fraction: float = scoring.WORST_TENTH) -> str:
    worst = f"worst {fraction:.0%}"
    return {
        "robust": f"In the {worst} under {ROBUST_SHARE:.0%} or more of weightings",
        "depends": f"Depends on the weights ({RARE_SHARE:.0%} to {ROBUST_SHARE:.0%})",
        "rarely": f"Rarely in the {worst} ({RARE_SHARE:.0%} of weightings or fewer)",
        "never": f"Never in the {worst}",
    }[name]


def in_words(
    share: float, settings: DrawSettings = DEFAULT_DRAWS, fraction: float = scoring.WORST_TENTH
) -> str:
    """ "In the worst 10% under 97% of plausible weightings", "Depends on the weights: in
    the worst 10% under 41% of plausible weightings", ..."""
    worst = f"worst {fraction:.0%}"
    name = category(share)
    if name == "none":
        return "No score"
    percent = share_percent(share)
    if name == "robust":
        return f"In the {worst} under {percent} of {settings.noun}"
    if name == "depends":
        return f"Depends on the weights: in the {worst} under {percent} of {settings.noun}"
    if name == "rarely":
        return f"Rarely in the {worst}: {percent} of {settings.noun}"
    return f"Not in the {worst} under any of the {settings.noun} drawn"


def band_words(row) -> str:
    """ "Rank 12 (5th to 95th percentile of the draws: 8 to 19)"."""
    if pd.isna(row["median_rank"]):
        return ""
    low, high = int(row["rank_low"]), int(row["rank_high"])
    median = int(row["median_rank"])
    if low == high:
        return f"Rank {median} under at least 90% of the weightings drawn"
    return f"Median rank {median} (90% of weightings: {low} to {high})"


# --- scenario against scenario -------------------------------------------------------------


def compare_scenarios(
    scores_a: pd.Series, scores_b: pd.Series, fraction: float = scoring.WORST_TENTH
) -> pd.DataFrame:
    """Two composites of the same areas (index): each one's rank and worst-10% flag, the
    rank shift (positive: nearer the worst under b) and whether the area enters or leaves
    the worst 10% going from a to b."""
    both = pd.concat({"a": scores_a, "b": scores_b}, axis=1)
    frame = pd.DataFrame(index=both.index)
    for side in ("a", "b"):
        values = both[side].to_numpy(dtype=float)[None, :]
        low, high = ranks_worst_first(values)
        scored = ~np.isnan(values)
        frame[f"rank_{side}"] = pd.array(np.where(scored[0], low[0], 0), dtype="Int64")
        frame.loc[~scored[0], f"rank_{side}"] = pd.NA
        frame[f"worst_{side}"] = in_worst(high, scored, fraction)[0]
    frame["shift"] = frame["rank_a"] - frame["rank_b"]
    frame["change"] = np.select(
        [frame["worst_b"] & ~frame["worst_a"], frame["worst_a"] & ~frame["worst_b"]],
        ["enters", "leaves"],
        "",
    )
    return frame


def comparison_summary(
    frame: pd.DataFrame, name_b: str, noun: str = "areas", fraction: float = scoring.WORST_TENTH
) -> str:
    """ "12 areas enter the worst tenth under the room's weights; 9 leave." """
    enter = int((frame["change"] == "enters").sum())
    leave = int((frame["change"] == "leaves").sum())
    worst = "worst tenth" if fraction == scoring.WORST_TENTH else f"worst {fraction:.0%}"
    if enter == leave == 0:
        return f"The same {noun} are in the {worst} under {name_b}."
    verb = "enters" if enter == 1 else "enter"
    leaves = "leaves" if leave == 1 else "leave"
    return f"{enter} {noun} {verb} the {worst} under {name_b}; {leave} {leaves}."
