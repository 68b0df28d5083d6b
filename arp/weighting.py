"""A scenario's composite under weight uncertainty, its indicators' effective influence, two
scenarios side by side, and the count of indicators in the worst tenth: arp.robustness and
arp.influence applied to the composites' inputs (arp.composites)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from arp import composites, influence, robustness, scoring
from arp.framework import Framework
from arp.workshop import Scenario


def target_of(show_kind: str, show_id: str = "") -> str:
    """ "overall", or the domain id of a domain's composite."""
    return "overall" if show_kind == "overall" else show_id


def shape_of(
    inputs: composites.CompositeInputs,
    framework: Framework,
    scenario: Scenario,
    target: str = "overall",
) -> robustness.Structure:
    """The composite's structure as composites.composite_scores builds it."""
    domains = {i: framework.indicators[i].domain for i in inputs.worse.columns}
    return robustness.structure(
        list(inputs.worse.columns),
        domains,
        scenario.indicator_weights,
        scenario.domain_weights,
        target,
    )


def robustness_of(
    inputs: composites.CompositeInputs,
    framework: Framework,
    scenario: Scenario,
    target: str = "overall",
    settings: robustness.DrawSettings = robustness.DEFAULT_DRAWS,
) -> robustness.Robustness:
    # An indicator no area has a value for moves no rank; counted, its domain would be one
    # more in the draws and dilute the others' weights.
    worse = inputs.worse.loc[:, inputs.worse.notna().any()]
    shape = shape_of(replace(inputs, worse=worse), framework, scenario, target)
    if not shape.columns:  # a domain no area has a value on: its composite is blank
        worse = inputs.worse
        shape = shape_of(inputs, framework, scenario, target)
    return robustness.robustness(worse, shape, settings)


def nominal_shares(
    shape: robustness.Structure, available: set[str] | None = None
) -> dict[str, float]:
    """Each indicator's share of the composite's weight for an area with every value: its
    domain's share of the domain weights times its share within the domain. An indicator
    not in `available` (no area has a value) has none."""
    if available is not None:
        kept = np.array([c in available for c in shape.columns], dtype=bool)
        shape = replace(shape, indicator_weights=np.where(kept, shape.indicator_weights, 0.0))
    domain_weights = shape.effective_domain_weights()
    total = domain_weights.sum()
    shares = {}
    for column, d, weight in zip(
        shape.columns, shape.domain_index, shape.indicator_weights, strict=True
    ):
        within = shape.indicator_weights[shape.domain_index == d].sum()
        shares[column] = (
            float(domain_weights[d] / total * weight / within) if total > 0 and within > 0 else 0.0
        )
    return shares


def influence_of(
    inputs: composites.CompositeInputs,
    framework: Framework,
    scenario: Scenario,
    target: str = "overall",
) -> pd.DataFrame:
    """Nominal share against effective influence for every indicator of the composite,
    each indicator's own worse percentiles against the composite's score."""
    shape = shape_of(inputs, framework, scenario, target)
    scores = composites.composite_scores(inputs, framework, scenario)
    column = "overall_score" if target == "overall" else f"{target}_score"
    available = {c for c in inputs.worse.columns if inputs.worse[c].notna().any()}
    nominal = nominal_shares(shape, available)
    table = influence.influence_table(
        inputs.worse, scores[column], nominal, per_group=influence.AREAS_PER_GROUP
    )
    table.insert(0, "domain", [framework.indicators[i].domain for i in table.index])
    table.insert(0, "title", [framework.indicators[i].title for i in table.index])
    return table


def redundancy_warnings(inputs: composites.CompositeInputs, framework: Framework) -> list[str]:
    correlations = influence.correlation_matrix(inputs.worse)
    titles = {i: framework.indicators[i].title for i in inputs.worse.columns}
    return [
        influence.redundancy_words(pair, titles) for pair in influence.redundant_pairs(correlations)
    ]


def compare(
    inputs: composites.CompositeInputs,
    framework: Framework,
    first: Scenario,
    second: Scenario,
    target: str = "overall",
) -> pd.DataFrame:
    """Every area's rank and worst-10% flag under `first` and `second`, the rank shift
    (positive: nearer the worst under `second`) and whether it enters or leaves."""
    column = "overall_score" if target == "overall" else f"{target}_score"
    a = composites.composite_scores(inputs, framework, first)[column]
    b = composites.composite_scores(inputs, framework, second)[column]
    return robustness.compare_scenarios(a, b)


def flagged_on_at_least(
    inputs: composites.CompositeInputs,
    framework: Framework,
    k: int,
    target: str = "overall",
) -> pd.DataFrame:
    """The non-compensatory view (as CEJST's): per area, on how many of the composite's
    indicators it is in the worst tenth (the flags every surface shows), of how many it has
    a value for, and whether that is at least `k`."""
    columns = [
        c
        for c in inputs.worse.columns
        if target == "overall" or framework.indicators[c].domain == target
    ]
    flags = inputs.flags.reindex(columns=columns).fillna(False).astype(bool)
    count = flags.sum(axis=1)
    of = inputs.worse[columns].notna().sum(axis=1)
    return pd.DataFrame({"flagged": count, "of": of, "at_least": count >= k})


def worst_tenth_at(scores: pd.Series) -> pd.Series:
    """The composite's own worst-10% flag, by the one rule."""
    return scoring.flag_worst_tenth(scores, "higher_is_worse").fillna(False).astype(bool)


def counts_in_words(result: robustness.Robustness, noun: str = "areas") -> str:
    """ "113 areas are in the worst 10% under at least 90% of plausible weightings; 126
    depend on the weights." """
    counts = result.counts()
    robust_share = f"{robustness.ROBUST_SHARE:.0%}"
    robust, depends = counts["robust"], counts["depends"]
    areas = f"{robust} {noun} are" if robust != 1 else f"1 {noun.removesuffix('s')} is"
    return (
        f"{areas} in the worst {result.fraction:.0%} under at least {robust_share} of "
        f"{result.settings.noun}; {depends} {'depend' if depends != 1 else 'depends'} on the "
        f"weights (in it under {robustness.RARE_SHARE:.0%} to {robust_share} of them)."
    )
