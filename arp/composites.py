"""Composite scores: each domain's indicators, and the whole framework, under a weighting
scenario, beside the plain count of indicators in the worst 10%."""

from __future__ import annotations

import duckdb
import pandas as pd

from arp import scoring
from arp.framework import Framework
from arp.workshop import Scenario

SCORED_KINDS = ("level",)  # gaps between groups are a separate family, never merged in


def worse_percentile_matrix(
    con: duckdb.DuckDBPyConnection, framework: Framework, level: str
) -> pd.DataFrame:
    """Areas of `level` in the area mapped (rows) x scored indicators (columns)."""
    scored = [
        i.id
        for i in framework.indicators.values()
        if i.kind in SCORED_KINDS and not framework.domains[i.domain].context_only
    ]
    long = con.execute(
        """select area_code, indicator_id, worse_percentile_wmca
           from indicator_values
           where in_area and level = $level and indicator_id in (select unnest($ids))""",
        {"level": level, "ids": scored},
    ).df()
    return long.pivot_table(
        index="area_code", columns="indicator_id", values="worse_percentile_wmca", dropna=False
    )


def composite_scores(
    matrix: pd.DataFrame, framework: Framework, scenario: Scenario
) -> pd.DataFrame:
    domains = {i: framework.indicators[i].domain for i in matrix.columns}
    return scoring.composite(matrix, domains, scenario.indicator_weights, scenario.domain_weights)
