"""Computing the framework's indicators in the database.

For each indicator whose sources are loaded: run queries/indicators/<query>.sql (numerator,
denominator, value per base area, for every area the data cover), re-aggregate counts to
the higher levels, add intervals and disclosure control, then rank within the area mapped
and, where the data cover England, within England. Results go to `indicator_values`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from arp import catalogue, db, scoring
from arp.framework import Framework, Indicator, shown_path

# The `_wmca` columns are named for the first area mapped (the West Midlands) and kept so
# for compatibility: they rank within whatever area the LSOA boundary file defines.
VALUE_COLUMNS = [
    "indicator_id",
    "area_code",
    "level",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
    "in_area",
    "percentile_wmca",
    "worse_percentile_wmca",
    "worse_decile_wmca",
    "rank_wmca",
    "flag_worst10_wmca",
    "percentile_england",
    "worse_percentile_england",
    "flag_worst10_england",
]


ENGLAND = "E92000001"


@dataclass
class IndicatorStatus:
    indicator: Indicator
    status: str  # "computed", "data not loaded", "no values"
    missing_sources: tuple[str, ...] = ()
    rows: int = 0


def loaded_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    if not db.has_table(con, "sources"):
        return set()
    return {row[0] for row in con.execute("select distinct source_id from sources").fetchall()}


def _hierarchy(con: duckdb.DuckDBPyConnection, base_level: str) -> pd.DataFrame:
    """Base area code -> code at each higher level (national where the lookups are)."""
    frame = con.execute(
        "select lsoa21cd, msoa21cd, ward_code, lad_code, ca_code, in_area from lsoa_hierarchy"
    ).df()
    if base_level == "lsoa":
        return frame.rename(
            columns={
                "lsoa21cd": "lsoa",
                "msoa21cd": "msoa",
                "ward_code": "ward",
                "lad_code": "lad",
                "ca_code": "ca",
            }
        ).set_index("lsoa", drop=False)
    # MSOAs nest in districts; take each MSOA's district and combined authority.
    msoa = (
        frame.dropna(subset=["msoa21cd"])
        .groupby("msoa21cd")
        .agg(lad=("lad_code", "first"), ca=("ca_code", "first"), in_area=("in_area", "max"))
    )
    msoa["msoa"] = msoa.index
    return msoa


class IndicatorQueryError(RuntimeError):
    """An indicator's SQL failed: the message names the indicator and its file."""


def base_values(con: duckdb.DuckDBPyConnection, indicator: Indicator) -> pd.DataFrame:
    try:
        if indicator.catalogue:
            frame = catalogue.base_values(con, dict(indicator.catalogue))
        else:
            frame = con.execute(indicator.query_path.read_text(encoding="utf-8")).df()
    except duckdb.Error as error:
        if indicator.catalogue:
            raise IndicatorQueryError(
                f"indicator {indicator.id}: its catalogue measure failed: {error}"
            ) from error
        raise IndicatorQueryError(
            f"indicator {indicator.id}: {shown_path(indicator.query_path)} failed: {error}"
        ) from error
    if "area_code" not in frame:
        raise IndicatorQueryError(f"indicator {indicator.id}: its query returns no area_code")
    for column in ("numerator", "denominator", "value", "ci_low", "ci_high"):
        if column not in frame:
            frame[column] = np.nan
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame[["area_code", "numerator", "denominator", "value", "ci_low", "ci_high"]]


def aggregate(base: pd.DataFrame, indicator: Indicator, hierarchy: pd.DataFrame) -> pd.DataFrame:
    """Base values at every level the indicator is shown at. Counts are summed and the value
    recomputed from the sums: rates and percentiles are never averaged."""
    frames = []
    for level in indicator.levels:
        if level == indicator.base_level:
            frame = base.copy()
        else:
            parent = base["area_code"].map(hierarchy[level]) if level in hierarchy else None
            if parent is None:
                continue
            grouped = base.assign(parent=parent).dropna(subset=["parent"])
            frame = grouped.groupby("parent", as_index=False)[["numerator", "denominator"]].sum(
                min_count=1
            )
            frame = frame.rename(columns={"parent": "area_code"})
            frame["value"] = np.nan
            frame["ci_low"] = np.nan
            frame["ci_high"] = np.nan
        frame["level"] = level
        frames.append(frame)
    if indicator.aggregates and indicator.coverage == "england":
        # The England benchmark, from the same counts: every English base area.
        english = base[base["area_code"].str.startswith("E")]
        totals = english[["numerator", "denominator"]].sum(min_count=1)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": [ENGLAND],
                    "numerator": [totals["numerator"]],
                    "denominator": [totals["denominator"]],
                    "value": [np.nan],
                    "ci_low": [np.nan],
                    "ci_high": [np.nan],
                    "level": ["country"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def add_value_and_interval(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    num, den = frame["numerator"], frame["denominator"]
    if indicator.measure in ("proportion", "rate", "mean"):
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["value"] = num / den * indicator.multiplier
    if indicator.interval == "wilson":
        low, high = scoring.wilson_interval(num, den)
        frame["ci_low"], frame["ci_high"] = low * indicator.multiplier, high * indicator.multiplier
    elif indicator.interval == "exact_poisson":
        low, high = scoring.exact_poisson_interval(num)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["ci_low"] = low / den * indicator.multiplier
            frame["ci_high"] = high / den * indicator.multiplier
    if indicator.measure in ("proportion", "rate") and indicator.disclosure_control:
        frame["suppression_reason"] = scoring.suppression_reason(num, den).to_numpy()
    else:
        frame["suppression_reason"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["suppressed"] = frame["suppression_reason"].notna()
    frame.loc[frame["suppressed"], ["value", "ci_low", "ci_high"]] = np.nan
    return frame


def _ranks(values: pd.Series, indicator: Indicator, suffix: str) -> pd.DataFrame:
    worse = scoring.worse_percentile(values, indicator.polarity)
    ranks = pd.DataFrame(
        {
            f"percentile_{suffix}": scoring.percentile(values),
            f"worse_percentile_{suffix}": worse,
            f"flag_worst10_{suffix}": scoring.flag_worst_tenth(
                values, indicator.polarity, indicator.scale
            ),
        },
        index=values.index,
    )
    if suffix == "wmca":
        ranks["worse_decile_wmca"] = scoring.worse_decile(worse)
        ranks["rank_wmca"] = scoring.rank_worst_first(worse)
    return ranks


def add_ranks(
    frame: pd.DataFrame, indicator: Indicator, area_codes: dict[str, set]
) -> pd.DataFrame:
    """Percentiles within the area mapped (`_wmca`) and, where covered, within England."""
    frame["in_area"] = [
        code in area_codes.get(level, set())
        for code, level in zip(frame["area_code"], frame["level"], strict=True)
    ]
    parts = []
    for level, rows in frame.groupby("level"):
        local = rows[rows["in_area"]]
        parts.append(_ranks(local["value"], indicator, "wmca"))
        if indicator.coverage == "england" and level not in ("ca", "country"):
            english = rows[rows["area_code"].str.startswith("E")]
            parts.append(_ranks(english["value"], indicator, "england"))
    ranks = pd.concat(parts, axis=0) if parts else pd.DataFrame(index=frame.index)
    ranks = ranks.groupby(level=0).first()  # an area has its wmca and england parts
    frame = frame.join(ranks)
    for column in VALUE_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    return frame


def compute(con: duckdb.DuckDBPyConnection, indicator: Indicator, area_codes: dict) -> pd.DataFrame:
    base = base_values(con, indicator)
    hierarchy = _hierarchy(con, indicator.base_level)
    frame = aggregate(base, indicator, hierarchy)
    frame = add_value_and_interval(frame, indicator)
    frame = add_ranks(frame, indicator, area_codes)
    frame["indicator_id"] = indicator.id
    return frame[VALUE_COLUMNS]


def area_codes_by_level(con: duckdb.DuckDBPyConnection) -> dict[str, set]:
    return {
        level: set(codes)
        for level, codes in con.execute(
            "select level, list(code) from areas group by level"
        ).fetchall()
    }


def needs_runtime(framework: Framework, built: pd.DataFrame) -> list[Indicator]:
    """The indicators whose values in the database were not computed from the definition
    the framework now gives them (catalogue-built, or edited since the build)."""
    recorded = {}
    if "definition" in built:
        recorded = dict(zip(built["indicator_id"], built["definition"], strict=True))
    elif len(built):  # a database built before definitions were recorded: from the file
        from arp.framework import load_framework

        recorded = {i.id: i.definition for i in load_framework().indicators.values()}
    return [i for i in framework.indicators.values() if recorded.get(i.id) != i.definition]


def runtime_values(
    con: duckdb.DuckDBPyConnection, indicators: list[Indicator]
) -> tuple[pd.DataFrame, list[IndicatorStatus]]:
    """Values of `indicators` (intervals, suppression, percentiles) with their statuses:
    what score_all writes into the database, and what the app computes at runtime from a
    read-only connection for the indicators a framework version defines anew."""
    present = loaded_sources(con)
    codes = area_codes_by_level(con)
    frames, statuses = [], []
    for indicator in indicators:
        missing = indicator.missing_sources(present)
        if missing:
            statuses.append(IndicatorStatus(indicator, "data not loaded", missing))
            continue
        frame = compute(con, indicator, codes)
        in_area = int(frame["in_area"].sum())
        statuses.append(
            IndicatorStatus(indicator, "computed" if in_area else "no values", rows=in_area)
        )
        frames.append(frame)
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VALUE_COLUMNS)
    return _typed(values), statuses


def _typed(values: pd.DataFrame) -> pd.DataFrame:
    for column in ("suppressed", "in_area"):
        values[column] = values[column].astype(bool)
    for column in ("flag_worst10_wmca", "flag_worst10_england"):
        values[column] = values[column].astype("boolean")
    values["rank_wmca"] = values["rank_wmca"].astype("Int64")
    return values


def score_all(con: duckdb.DuckDBPyConnection, framework: Framework) -> list[IndicatorStatus]:
    """(Re)compute every indicator into `indicator_values`, and record each one's status."""
    values, statuses = runtime_values(con, list(framework.indicators.values()))
    con.register("incoming", values)
    con.execute("create or replace table indicator_scores as select * from incoming")
    con.unregister("incoming")
    # The stable analyst interface is a view, so the table behind it can change shape.
    columns = ", ".join(VALUE_COLUMNS)
    con.execute(
        f"create or replace view indicator_values as select {columns} from indicator_scores"
    )
    status_table = status_frame(statuses)
    con.register("incoming", status_table)
    con.execute("create or replace table indicator_status as select * from incoming")
    con.unregister("incoming")
    return statuses


def status_frame(statuses: list[IndicatorStatus]) -> pd.DataFrame:
    """Statuses as indicator_status holds them."""
    return pd.DataFrame(
        {
            "indicator_id": [s.indicator.id for s in statuses],
            "domain": [s.indicator.domain for s in statuses],
            "status": [s.status for s in statuses],
            "missing_sources": [", ".join(s.missing_sources) for s in statuses],
            "areas_with_values": [s.rows for s in statuses],
            "definition": [s.indicator.definition for s in statuses],
        }
    )


def overlay(con: duckdb.DuckDBPyConnection, values: pd.DataFrame, statuses: pd.DataFrame) -> None:
    """On this connection only, `indicator_values` and `indicator_status` read the built
    ones with the indicators in `statuses` replaced by these runtime values: temporary
    views, so the read-only database file is never written."""
    if statuses.empty:
        return
    ((catalog,),) = con.execute("select current_database()").fetchall()
    built = f'"{catalog}".main'
    con.register("runtime_indicator_values", values)
    con.register("runtime_indicator_status", statuses)
    columns = ", ".join(VALUE_COLUMNS)
    replaced = "indicator_id not in (select indicator_id from runtime_indicator_status)"
    con.execute(
        f"create or replace temp view indicator_values as "
        f"select {columns} from {built}.indicator_scores where {replaced} "
        f"union all select {columns} from runtime_indicator_values"
    )
    status_columns = "indicator_id, domain, status, missing_sources, areas_with_values"
    con.execute(
        f"create or replace temp view indicator_status as "
        f"select {status_columns} from {built}.indicator_status where {replaced} "
        f"union all select {status_columns} from runtime_indicator_status"
    )


def with_runtime_values(con: duckdb.DuckDBPyConnection, framework: Framework) -> list[Indicator]:
    """Compute what the framework defines otherwise than the database was built with, and
    overlay it on this connection (the command line's exports use it); returns those
    indicators."""
    built = (
        con.execute("select * from indicator_status").df()
        if db.has_table(con, "indicator_status")
        else pd.DataFrame()
    )
    changed = needs_runtime(framework, built)
    if changed:
        values, statuses = runtime_values(con, changed)
        overlay(con, values, status_frame(statuses))
    return changed
