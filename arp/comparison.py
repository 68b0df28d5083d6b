"""Areas side by side: one column per area, the region and England beside them as
references, one row per indicator grouped by domain, a small bar in each cell; which areas
a link may compare, and which indicator the chart starts on."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from arp import db, maps
from arp.framework import Framework
from arp.indicators import ENGLAND
from arp.levels import MAPPED_LEVELS
from arp.map_views import is_true
from arp.view_state import MAX_COMPARE

# The chart starts on the indicator that sums up most about an area; where it has no
# value for the areas chosen, on the first indicator of the framework that does and says
# which way is worse (never a context measure such as an ethnic group's share).
HEADLINE = "imd_score_2025"
NO_VALUE = "no value"
NOT_PUBLISHED = "not published"  # a reference with no value
WITHHELD = "withheld"
DIRECTION_WORDS = {
    "higher_is_worse": "higher is worse",
    "higher_is_better": "higher is better",
    "no_judgement": "neither is worse",
}
AREA_BAR = "#1f78b4"
REFERENCE_BAR = "#9e9e9e"


@dataclass(frozen=True)
class Chosen:
    """The areas a comparison shows, and what was left out of what it was asked for."""

    level: str
    codes: tuple[str, ...]
    repeated: tuple[str, ...] = ()  # asked for more than once: shown once
    other_level: tuple[str, ...] = ()  # not of `level`: left out
    too_many: tuple[str, ...] = ()  # beyond MAX_COMPARE: left out


def choose(codes: tuple[str, ...] | list[str], level_of: dict[str, str], level: str) -> Chosen:
    """The areas to compare from a link's list: each once, in the order given, at most
    MAX_COMPARE, all of one level. That level is `level`, unless no area asked for is of
    it and all are of one other mapped level (a link to compare districts names districts
    whatever its level says). `level_of` gives each known code's level."""
    unique = list(dict.fromkeys(codes))
    repeated = tuple(dict.fromkeys(c for i, c in enumerate(codes) if c in codes[:i]))
    levels = {level_of.get(c) for c in unique}
    if unique and level not in levels and len(levels) == 1:
        (only,) = levels
        if only in MAPPED_LEVELS:
            level = str(only)
    kept = [c for c in unique if level_of.get(c) == level]
    other = tuple(c for c in unique if level_of.get(c) != level)
    return Chosen(level, tuple(kept[:MAX_COMPARE]), repeated, other, tuple(kept[MAX_COMPARE:]))


@dataclass(frozen=True)
class Comparison:
    """The table behind the page, three ways: `rows` says what each row is (index:
    indicator id; domain, domain_title, label, unit, polarity); `values` holds the numbers
    (one column per area, then the references), `text` the same as shown ('withheld', 'no value');
    `low` and `high` the areas' 95% intervals. `references` names the reference columns."""

    rows: pd.DataFrame
    values: pd.DataFrame
    text: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    references: tuple[str, ...]

    def domain(self, domain_id: str) -> list[str]:
        return self.rows.index[self.rows["domain"] == domain_id].tolist()


def _unique_names(names: list[str], codes: list[str]) -> list[str]:
    """Column headings: each area's name, with its code where two share a name."""
    return [
        f"{name} ({code})" if names.count(name) > 1 else name
        for name, code in zip(names, codes, strict=True)
    ]


FLAG = "⚑"  # after a value in the worst 10% (maps.flag_words says the same in words)
FLAG_KEY = (
    f"{FLAG}: in the worst 10% of the region's areas of this level (for a national decile: in "
    "England's most deprived tenth)."
)


def cell_text(value: float, scale: str, flagged: bool) -> str:
    """A value as the table shows it: a published decile as the whole number it is, and
    the worst-10% flag as a symbol the caption names (never colour alone)."""
    shown = str(int(value)) if scale == "decile" and float(value).is_integer() else None
    text = shown or maps.format_value(value)
    return f"{text} {FLAG}" if flagged else text


def compare(
    con: duckdb.DuckDBPyConnection, framework: Framework, codes: list[str] | tuple[str, ...]
) -> Comparison:
    """Every indicator that has a row for any of the areas, in the framework's order, for
    each area (a withheld value is blank in `values`, 'withheld' in `text`), then each
    distinct region the areas lie in (their combined authority, else their district) and
    England."""
    facts = [db.query(con, "area_facts", code=code).iloc[0] for code in codes]
    columns = _unique_names([str(f["display_name"]) for f in facts], list(codes))
    regions: dict[str, str] = {}
    for fact in facts:
        region = str(fact["ca_code"] or fact["lad_code"])
        if region not in codes:
            name = db.query(con, "area_facts", code=region)["display_name"]
            regions[region] = str(name.iloc[0]) if len(name) else region
    per_area = {
        column: db.query(
            con, "area_indicators", code=code, benchmark=code, england=ENGLAND
        ).set_index("indicator_id")
        for column, code in zip(columns, codes, strict=True)
    }
    per_region = {
        regions[code]: db.query(
            con, "area_indicators", code=code, benchmark=code, england=ENGLAND
        ).set_index("indicator_id")
        for code in regions
    }
    present = set().union(*(set(frame.index) for frame in per_area.values()))
    ids = [i for i in framework.indicators if i in present]
    rows = pd.DataFrame(
        [
            {
                "indicator_id": i,
                "domain": framework.indicators[i].domain,
                "domain_title": framework.domains[framework.indicators[i].domain].title,
                "label": (
                    f"{framework.indicators[i].title} ({framework.indicators[i].unit}; "
                    f"{DIRECTION_WORDS[framework.indicators[i].polarity]})"
                ),
                "title": framework.indicators[i].title,
                "unit": framework.indicators[i].unit,
                "polarity": framework.indicators[i].polarity,
            }
            for i in ids
        ],
        columns=["indicator_id", "domain", "domain_title", "label", "title", "unit", "polarity"],
    ).set_index("indicator_id")
    values = pd.DataFrame(index=rows.index, dtype=float)
    text = pd.DataFrame(index=rows.index, dtype=object)
    low = pd.DataFrame(index=rows.index, dtype=float)
    high = pd.DataFrame(index=rows.index, dtype=float)
    for column, frame in per_area.items():
        frame = frame.reindex(rows.index)
        withheld = frame["suppressed"].map(is_true)
        shown = frame["value"].where(~withheld)
        values[column] = shown.astype(float)
        low[column] = frame["ci_low"].where(~withheld).astype(float)
        high[column] = frame["ci_high"].where(~withheld).astype(float)
        flagged = frame["flag_worst10_wmca"].map(is_true)
        text[column] = [
            WITHHELD
            if hold
            else cell_text(v, framework.indicators[i].scale, flag)
            if pd.notna(v)
            else NO_VALUE
            for i, v, hold, flag in zip(rows.index, shown, withheld, flagged, strict=True)
        ]
    references = [*per_region, "England"]
    # England's value, from whichever area has a row for the indicator.
    england = pd.concat(
        [frame["england_value"].reindex(rows.index) for frame in per_area.values()], axis=1
    ).bfill(axis=1)
    england = england.iloc[:, 0] if len(england.columns) else pd.Series(index=rows.index)
    for column in references:
        reference = england if column == "England" else per_region[column]["value"]
        reference = reference.reindex(rows.index).astype(float)
        values[column] = reference
        text[column] = [maps.format_value(v) if pd.notna(v) else NOT_PUBLISHED for v in reference]
    return Comparison(rows, values, text, low, high, tuple(references))


def bar_styles(values: pd.DataFrame, references: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSS background per cell drawing a thin bar under its number: the value's length
    from zero against the largest in its row (each row has its own unit), in grey for the
    reference columns. A cell with no value has none."""
    numbers = values.astype(float).clip(lower=0)
    largest = numbers.max(axis=1).replace(0, np.nan)
    share = numbers.div(largest, axis=0).mul(100).round(0)
    styles = pd.DataFrame("", index=values.index, columns=values.columns)
    for column in values.columns:
        colour = REFERENCE_BAR if column in references else AREA_BAR
        styles[column] = [
            ""
            if pd.isna(p)
            else (
                f"background: linear-gradient(90deg, {colour} {p:.0f}%, transparent {p:.0f}%) "
                "no-repeat left bottom / 100% 5px"
            )
            for p in share[column]
        ]
    return styles


def default_chart(framework: Framework, comparison: Comparison) -> str | None:
    """The indicator the chart starts on (see HEADLINE), or None when there is none."""
    with_values = comparison.values.drop(columns=list(comparison.references))
    available = [i for i in comparison.rows.index if with_values.loc[i].notna().any()]
    if HEADLINE in available:
        return HEADLINE
    judged = [
        i
        for i in available
        if framework.indicators[i].kind != "context"
        and framework.indicators[i].polarity != "no_judgement"
    ]
    return (judged or available or [None])[0]


def chartable(comparison: Comparison) -> list[str]:
    """The indicators some chosen area has a value for, in the framework's order."""
    areas = comparison.values.drop(columns=list(comparison.references))
    return [i for i in comparison.rows.index if areas.loc[i].notna().any()]


def wide_table(comparison: Comparison) -> pd.DataFrame:
    """The comparison as one table for a CSV file: words for headings, numbers as numbers."""
    table = pd.DataFrame(
        {
            "Domain": comparison.rows["domain_title"],
            "Indicator": comparison.rows["title"],
            "Unit": comparison.rows["unit"],
            "Which way is worse": comparison.rows["polarity"].map(DIRECTION_WORDS),
        }
    )
    for column in comparison.values.columns:
        table[column] = comparison.values[column].round(2)
    return table.reset_index(drop=True)


def chart_rows(
    comparison: Comparison, indicator_id: str, with_references: bool = True
) -> tuple[list[str], list[float], list[str], list[tuple[float, float]], list[bool]]:
    """One indicator across the areas (then the references): labels, values, the values as
    shown (with their intervals), the intervals, and which rows are references; the
    arguments of charts.labelled_bars."""
    columns = [
        c for c in comparison.values.columns if with_references or c not in comparison.references
    ]
    values = comparison.values.loc[indicator_id, columns]
    low = comparison.low.reindex(columns=columns).loc[indicator_id]
    high = comparison.high.reindex(columns=columns).loc[indicator_id]
    texts = []
    for column in columns:
        text = comparison.text.loc[indicator_id, column]
        if pd.notna(low[column]) and pd.notna(high[column]):
            text += f" ({maps.format_value(low[column])} to {maps.format_value(high[column])})"
        texts.append(text)
    return (
        list(columns),
        [float(v) for v in values],
        texts,
        [(float(low[c]), float(high[c])) for c in columns],
        [c in comparison.references for c in columns],
    )


def chart_key(
    values: list[float], intervals: list[tuple[float, float]], references: list[bool]
) -> list[str]:
    """What the chart's marks mean, for its caption: only the marks it draws (most
    indicators are counts with no interval, and a missing value draws no bar)."""
    key = []
    if any(math.isfinite(low) and math.isfinite(high) for low, high in intervals):
        key.append("black lines: 95% intervals")
    if any(
        is_reference and math.isfinite(v)
        for v, is_reference in zip(values, references, strict=True)
    ):
        key.append("grey: the region and England")
    return key
