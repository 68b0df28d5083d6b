"""An area's profile: its facts, every indicator beside its benchmarks, who lives there,
the services placed in it, stop and search, and evidence beside workshop experience."""

from __future__ import annotations

import duckdb
import pandas as pd

from arp import db, gaps, maps
from arp.framework import Framework
from arp.indicators import ENGLAND
from arp.map_views import is_true


def profile(
    con: duckdb.DuckDBPyConnection, framework: Framework, code: str
) -> tuple[dict, pd.DataFrame]:
    """An area's facts and every indicator for it, with the area-mapped and England benchmarks."""
    area = db.query(con, "area_facts", code=code)
    if area.empty:
        raise KeyError(code)
    info = area.iloc[0].to_dict()
    benchmark = info["ca_code"] or info["lad_code"]
    rows = db.query(con, "area_indicators", code=code, benchmark=benchmark, england=ENGLAND)
    records = []
    for indicator in framework.indicators.values():
        match = rows[rows["indicator_id"] == indicator.id]
        if match.empty:
            continue
        row = match.iloc[0]
        records.append(
            {
                "Domain": framework.domains[indicator.domain].title,
                "Indicator": indicator.title,
                "Value": None if row["suppressed"] else row["value"],
                "95% CI": ""
                if pd.isna(row["ci_low"])
                else f"{maps.format_value(row['ci_low'])} to {maps.format_value(row['ci_high'])}",
                "Unit": indicator.unit,
                "Area mapped": row["benchmark_value"],
                "England": row["england_value"],
                "Percentile (area mapped)": row["percentile_wmca"],
                "Worst 10%": (
                    ("yes (decile 1)" if indicator.scale == "decile" else "yes")
                    if is_true(row["flag_worst10_wmca"])
                    else ""
                ),
                "Note": row["suppression_reason"]
                if isinstance(row["suppression_reason"], str)
                else "",
                "Period": indicator.period,
            }
        )
    table = pd.DataFrame(records)
    if len(table):
        for column in ("Value", "Area mapped", "England"):
            table[column] = pd.to_numeric(table[column], errors="coerce").round(2)
        table["Percentile (area mapped)"] = table["Percentile (area mapped)"].round(0)
    return info, table


def ethnic_composition(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """Residents by Census 2021 group (broad, and detailed where published), with the share
    of all residents of the area."""
    return db.query(con, "ethnic_composition", code=code)


def nearby_services(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return db.query(con, "services_in_area", code=code)


def stop_search(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame | None:
    """The stop-and-search table for an area (disclosure control applied), or None when no
    stop and search data are loaded. Show it through gaps.stop_search_display."""
    if not db.has_table(con, "stop_search_ethnicity"):
        return None
    return gaps.stop_search_disproportionality(con, code)


def evidence_and_experience(
    composite: pd.DataFrame,
    insights_by_area_domain: pd.DataFrame,
    names: pd.Series,
    domain_titles: dict[str, str],
) -> pd.DataFrame:
    """Per area and domain: the domain's composite score (100 = worst-placed) beside the
    number of approved insights, so facilitators see where data and lived experience agree.

    `composite` is composites.composite_scores output (index area code); the insights frame
    has area_code (at the same level), domain and insights columns."""
    rows = []
    for domain, title in domain_titles.items():
        column = f"{domain}_score"
        if column not in composite:
            continue
        counts = insights_by_area_domain[insights_by_area_domain["domain"] == domain]
        counts = counts.set_index("area_code")["insights"]
        for code, score in composite[column].items():
            rows.append(
                {
                    "Area": names.get(code, code),
                    "Code": code,
                    "Domain": title,
                    "Data: domain score": None if pd.isna(score) else round(score, 1),
                    "Lived experience: insights": int(counts.get(code, 0)),
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(
        ["Lived experience: insights", "Data: domain score"], ascending=False
    ).reset_index(drop=True)
