"""Composite scores: each domain's indicators, and the whole framework, under a weighting
scenario, beside the plain count of indicators in the worst 10%."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from arp import db, scoring
from arp.framework import Framework, Indicator
from arp.levels import ANCESTOR_COLUMN
from arp.workshop import Scenario

SCORED_KINDS = ("level",)  # gaps between groups are a separate family, never merged in


@dataclass(frozen=True)
class CompositeInputs:
    """Areas of one level (rows) x scored indicators (columns): each indicator's worse
    percentile and its worst-10% flag, as they enter the composites."""

    worse: pd.DataFrame
    flags: pd.DataFrame
    # indicator id -> the level its position is taken from, where that is not the level shown
    borrowed_from: dict[str, str]


def scored_indicators(framework: Framework) -> list[Indicator]:
    return [
        i
        for i in framework.indicators.values()
        if i.kind in SCORED_KINDS and not framework.domains[i.domain].context_only
    ]


def borrows_at(indicator: Indicator, level: str) -> str | None:
    """The level whose value stands in for this indicator at `level` in composites: set for
    indicators whose base-area counts are mostly too small to rank (stop and search)."""
    if indicator.composite_level and level == indicator.base_level:
        return indicator.composite_level
    return None


def composite_inputs(
    con: duckdb.DuckDBPyConnection, framework: Framework, level: str
) -> CompositeInputs:
    """Each scored indicator's position and flag at `level`, in the area mapped. An
    indicator that borrows (see `borrows_at`) gives every area the value of the larger area
    it lies in, ranked among the areas of `level` with the same one rule for flags."""
    scored = scored_indicators(framework)
    own = [i.id for i in scored if not borrows_at(i, level)]
    long = db.query(con, "composite_positions", level=level, ids=own)
    worse = long.pivot_table(
        index="area_code", columns="indicator_id", values="worse_percentile_wmca", dropna=False
    )
    flags = (
        long.assign(flag=long["flag_worst10_wmca"].fillna(False).astype(bool))
        .pivot_table(index="area_code", columns="indicator_id", values="flag", aggfunc="max")
        .reindex(index=worse.index, columns=worse.columns)
    )
    borrowed_from = {}
    for indicator in scored:
        parent_level = borrows_at(indicator, level)
        if not parent_level:
            continue
        values = borrowed_values(con, indicator.id, level, parent_level)
        worse[indicator.id] = scoring.worse_percentile(values, indicator.polarity)
        flags[indicator.id] = scoring.flag_worst_tenth(
            values, indicator.polarity, indicator.scale
        ).fillna(False)
        borrowed_from[indicator.id] = parent_level
    return CompositeInputs(worse, flags.fillna(False).astype(bool), borrowed_from)


def borrowed_values(
    con: duckdb.DuckDBPyConnection, indicator_id: str, level: str, parent_level: str
) -> pd.Series:
    """Every `level` area in the area mapped, with the indicator's value in its parent area."""
    frame = db.query(
        con,
        "values_of_parents",
        id=indicator_id,
        level=level,
        parent_level=parent_level,
        parent_column=ANCESTOR_COLUMN[parent_level],
    )
    return frame.set_index("code")["value"].astype(float)


def composite_scores(
    inputs: CompositeInputs, framework: Framework, scenario: Scenario
) -> pd.DataFrame:
    domains = {i: framework.indicators[i].domain for i in inputs.worse.columns}
    return scoring.composite(
        inputs.worse,
        inputs.flags,
        domains,
        scenario.indicator_weights,
        scenario.domain_weights,
    )
