"""An area's profile: its facts, every indicator beside its benchmarks, who lives there,
the services placed in it, stop and search, and evidence beside workshop experience; and
what a reader takes in first: a summary in words, and one spine chart per domain."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from arp import charts, db, gaps, maps, scoring
from arp.framework import Framework, Indicator
from arp.indicators import ENGLAND
from arp.insights import KINDS
from arp.map_views import is_true
from data_loaders import SERVICE_TYPES, ServiceType


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


SERVICES_LISTED_PER_TYPE = 100  # a district has hundreds of pharmacies: the count says how many


def nearby_services(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return db.query(con, "services_in_area", code=code, per_type=SERVICES_LISTED_PER_TYPE)


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


# --- what a reader takes in first ---------------------------------------------------------

# Each level in words: (one, many).
LEVEL_WORDS = {
    "lsoa": ("neighbourhood (LSOA)", "neighbourhoods (LSOAs)"),
    "msoa": ("MSOA", "MSOAs"),
    "ward": ("ward", "wards"),
    "lad": ("district", "districts"),
    "ca": ("combined authority", "combined authorities"),
}
# The areas an area is drawn among on its spine: its own level in the area mapped; the
# whole area mapped (the only one of its level) among its districts.
PEER_LEVEL = {"ca": "lad"}


def benchmark_code(info: dict) -> str:
    """The region an area is set against: its combined authority, else its district."""
    return str(info["ca_code"] or info["lad_code"])


def is_region(info: dict) -> bool:
    return benchmark_code(info) == info["code"]


def plural(count: float, one: str, many: str) -> str:
    return f"{count:,.0f} {one if count == 1 else many}"


def with_unit(value: float, unit: str) -> str:
    """A value with its unit, as a sentence says it: '31.2% of households', 'a score of
    24.1', '0.45 km'."""
    number = maps.format_value(value)
    if unit.startswith("%"):
        return f"{number}{unit}"
    if unit == "score":
        return f"a score of {number}"
    return f"{number} {unit}"


def compared(value, low, high, reference, polarity: str) -> str:
    """How a value stands against a reference, by its 95% interval (the Fingertips rule):
    'worse', 'better' or 'similar' ('higher', 'lower' or 'similar' where higher is neither
    worse nor better); 'no interval' where the value has none; 'no value' or 'no reference'
    where either is missing."""
    if pd.isna(value):
        return "no value"
    if pd.isna(reference):
        return "no reference"
    if pd.isna(low) or pd.isna(high):
        return "no interval"
    if low <= reference <= high:
        return "similar"
    higher = low > reference
    if polarity == "higher_is_worse":
        return "worse" if higher else "better"
    if polarity == "higher_is_better":
        return "better" if higher else "worse"
    return "higher" if higher else "lower"


def comparison_words(result: str, reference: str) -> str:
    """compared()'s result in words: 'worse than England', 'similar to the region'."""
    if result == "similar":
        return f"similar to {reference}"
    if result in ("worse", "better", "higher", "lower"):
        return f"{result} than {reference}"
    if result == "no interval":
        return f"not tested against {reference}: no interval"
    return ""  # no value, or nothing to test it against


SPINE_POSITIONS = ("value", "ci_low", "ci_high", "region_value", "england_value")
SPINE_SPREAD = ("peer_min", "peer_p25", "peer_p75", "peer_max")


def spine_positions(rows: pd.DataFrame) -> pd.DataFrame:
    """Each row's values placed from 0 to 1 along its own spine, worse to the left (lower
    to the left where higher is neither worse nor better): the spine runs from the lowest to
    the highest of the range of areas, the area, its interval and both benchmarks, so every
    mark fits. A spine with no spread puts every mark in the middle."""
    columns = [*SPINE_POSITIONS, *SPINE_SPREAD]
    values = rows[columns].astype(float)
    low, high = values.min(axis=1), values.max(axis=1)
    span = (high - low).where(high > low)
    placed = values.sub(low, axis=0).div(span, axis=0)
    placed = placed.where(span.notna(), 0.5).where(values.notna())
    flip = (rows["polarity"] == "higher_is_worse").to_numpy()
    placed.loc[flip] = 1 - placed.loc[flip]
    # Flipped, the lowest and highest areas swap ends: the spread keeps its order.
    for a, b in (("peer_min", "peer_max"), ("peer_p25", "peer_p75")):
        lo, hi = placed[a].copy(), placed[b].copy()
        placed[a], placed[b] = np.fmin(lo, hi), np.fmax(lo, hi)
    lo, hi = placed["ci_low"].copy(), placed["ci_high"].copy()
    placed["ci_low"], placed["ci_high"] = np.fmin(lo, hi), np.fmax(lo, hi)
    return placed.add_prefix("pos_")


def _value_text(value, low, high, decile: bool = False) -> str:
    if pd.isna(value):
        return "no value"
    if decile:
        return f"decile {value:.0f}"
    if pd.isna(low) or pd.isna(high):
        return maps.format_value(value)
    return (
        f"{maps.format_value(value)} "
        f"(95% interval {maps.format_value(low)} to {maps.format_value(high)})"
    )


def _published(value) -> str:
    return "not published" if pd.isna(value) else maps.format_value(value)


def _flag(value) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def spine_rows(con: duckdb.DuckDBPyConnection, framework: Framework, info: dict) -> pd.DataFrame:
    """One row per indicator the area has a row for, in the framework's order: its value
    and 95% interval (blank where withheld, with the reason), the region's and England's
    values, the range of the areas it is ranked among (lowest, quartiles, highest, how
    many), its worst-tenth flags, how it compares with England (else the region), the
    same in words, and each value's place along the spine (spine_positions)."""
    code, level = info["code"], info["level"]
    region = not is_region(info)
    raw = db.query(
        con,
        "area_spine",
        code=code,
        benchmark=benchmark_code(info),
        england=ENGLAND,
        peer_level=PEER_LEVEL.get(level, level),
    ).set_index("indicator_id")
    records = []
    for indicator in framework.indicators.values():
        if indicator.id not in raw.index:
            continue
        row = raw.loc[indicator.id]
        withheld = is_true(row["suppressed"])
        value = np.nan if withheld else row["value"]
        low, high = (np.nan, np.nan) if withheld else (row["ci_low"], row["ci_high"])
        region_value = row["benchmark_value"] if region else np.nan
        england = row["england_value"]
        # Tested against England where England has a value, else against the region.
        against, reference = (
            ("England", england) if pd.notna(england) else ("the region", region_value)
        )
        result = compared(value, low, high, reference, indicator.polarity)
        reason = row["suppression_reason"] if isinstance(row["suppression_reason"], str) else ""
        records.append(
            {
                "domain": indicator.domain,
                "domain_title": framework.domains[indicator.domain].title,
                "indicator_id": indicator.id,
                "title": indicator.title,
                "unit": indicator.unit,
                "polarity": indicator.polarity,
                "kind": indicator.kind,
                "period": indicator.period,
                "value": value,
                "ci_low": low,
                "ci_high": high,
                "withheld": reason if withheld else "",
                "region_value": region_value,
                "england_value": england,
                "peer_areas": 0 if pd.isna(row["peer_areas"]) else int(row["peer_areas"]),
                "peer_min": row["peer_min"],
                "peer_p25": row["peer_p25"],
                "peer_p75": row["peer_p75"],
                "peer_max": row["peer_max"],
                "worst_england": _flag(row["flag_worst10_england"]),
                # The whole region is ranked only among itself: no flag means anything.
                "worst_region": _flag(row["flag_worst10_wmca"]) if region else None,
                "comparison": result,
                "comparison_text": comparison_words(result, against),
                "value_text": f"withheld ({reason})"
                if withheld
                else _value_text(value, low, high, indicator.scale == "decile"),
                "region_text": _published(region_value) if region else "",
                "england_text": _published(england),
            }
        )
    rows = pd.DataFrame(records)
    if rows.empty:
        return rows
    return pd.concat([rows, spine_positions(rows)], axis=1)


def spine_table(rows: pd.DataFrame, region_name: str, level: str) -> pd.DataFrame:
    """A domain's spine as a table people read: the chart's values as text (a blank, never
    'None', where there is none), words for headings."""
    many = LEVEL_WORDS[PEER_LEVEL.get(level, level)][1]

    def shown(values: pd.Series) -> list[str]:
        return ["" if pd.isna(v) else maps.format_value(v) for v in values]

    table = pd.DataFrame(
        {
            "Indicator": rows["title"],
            "This area": shown(rows["value"]),
            "95% interval": [
                "" if pd.isna(lo) else f"{maps.format_value(lo)} to {maps.format_value(hi)}"
                for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            "Withheld": rows["withheld"],
            "Worst tenth": [charts.worst_tenth_words(row) for _, row in rows.iterrows()],
        }
    )
    if rows["region_value"].notna().any():
        table[region_name] = shown(rows["region_value"])
    table["England"] = shown(rows["england_value"])
    table[f"Lowest of the {many}"] = shown(rows["peer_min"])
    table[f"Highest of the {many}"] = shown(rows["peer_max"])
    table["Compared"] = rows["comparison_text"]
    table["Unit"] = rows["unit"]
    table["Period"] = rows["period"]
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class WorstTenth:
    """On how many of the indicators ranked among `among` an area is in the worst tenth."""

    among: str  # "England's wards"
    ranked: int
    flagged: tuple[str, ...]  # the indicators' titles


@dataclass(frozen=True)
class GroupGap:
    """The group whose residents fare worst, on average over the neighbourhoods where they
    live, against White residents, on one indicator."""

    indicator_id: str
    title: str
    unit: str
    group: str
    group_value: float
    reference_value: float
    ratio: float  # how many times worse: > 1 (the inverse where higher is better)


@dataclass(frozen=True)
class SearchGap:
    group: str
    ratio: float
    low: float
    high: float
    period: str


@dataclass(frozen=True)
class AreaSummary:
    """What the data say about an area, in figures, before any chart: see sentences()."""

    level: str
    residents: float | None
    england: WorstTenth
    region: WorstTenth | None  # None: the area is the whole region
    gaps: tuple[GroupGap, ...] = ()
    gaps_missing: str = ""  # why there is no gap, when there is none
    search: SearchGap | None = None
    search_missing: str = ""  # why there is no stop-and-search ratio ('' where none applies)
    notes: int = 0
    notes_by_kind: dict[str, int] = field(default_factory=dict)

    def points(self) -> list[tuple[str, list[str]]]:
        """The summary in plain words: one sentence a point, the gaps between groups as
        sub-points of theirs."""
        points: list[tuple[str, list[str]]] = [
            (
                f"{plural(self.residents, 'resident', 'residents')} at the 2021 Census."
                if self.residents is not None
                else "How many people live here is not in the data loaded (Census 2021).",
                [],
            ),
            (worst_tenth_sentence(self.england, "across England"), []),
            (
                "This is the whole region, so it is not ranked within it."
                if self.region is None
                else worst_tenth_sentence(self.region, "in the region", self.england.flagged),
                [],
            ),
        ]
        if self.gaps:
            points.append((GAPS_LEAD, [gap_sentence(gap) for gap in self.gaps]))
        else:
            points.append((self.gaps_missing, []))
        if self.search is not None:
            points.append((search_sentence(self.search), []))
        elif self.search_missing:
            points.append((self.search_missing, []))
        points.append((notes_sentence(self.notes, self.notes_by_kind), []))
        return points


LISTED_FLAGS = 6  # more than this many flagged indicators: the rest are counted


def worst_tenth_sentence(worst: WorstTenth, where: str, named: tuple[str, ...] = ()) -> str:
    """On how many indicators an area is in the worst tenth, naming them; those `named`
    by the sentence before are counted, not named again."""
    if worst.ranked == 0:
        return f"No indicator loaded ranks it among {worst.among}."
    count = len(worst.flagged)
    if worst.ranked == 1:
        verdict = "In" if count else "Not in"
        named_one = f": {worst.flagged[0]}" if count else ""
        return (
            f"{verdict} the worst tenth of {worst.among} on the one indicator ranked "
            f"{where}{named_one}."
        )
    ranked = f"{worst.ranked:,} indicators ranked {where}"
    if count == 0:
        return f"Not in the worst tenth of {worst.among} on any of the {ranked}."
    again = [t for t in worst.flagged if t in named]
    new = [t for t in worst.flagged if t not in named]
    listed = "; ".join(new[:LISTED_FLAGS])
    if len(new) > LISTED_FLAGS:
        listed += f"; and {len(new) - LISTED_FLAGS} more"
    if again:
        same = f"the {len(again)} above" if len(again) > 1 else "the one above"
        listed = f"{same}; {listed}" if listed else same
    return f"In the worst tenth of {worst.among} on {count} of the {ranked}: {listed}."


def gap_sentence(gap: GroupGap) -> str:
    against = maps.format_value(gap.reference_value) + ("%" if gap.unit.startswith("%") else "")
    times = gap.group_value / gap.reference_value
    return (
        f"{gap.title}: {with_unit(gap.group_value, gap.unit)} on average where "
        f"{gap.group} residents live, against {against} where {gaps.WHITE} residents live "
        f"({times:.2f} times theirs)."
    )


def search_sentence(search: SearchGap) -> str:
    sentence = (
        f"Stop and search ({search.period}): people who described themselves as "
        f"{search.group} were searched at {search.ratio:.2f} times the rate of "
        f"{gaps.WHITE} people (95% interval {search.low:.2f} to {search.high:.2f})"
    )
    if pd.isna(search.low) or search.low <= 1 <= search.high:
        return sentence + f"; the interval includes 1, the same rate as {gaps.WHITE} people's."
    return sentence + "."


KIND_WORDS = {  # (one, many), for counting notes
    "barrier": ("barrier", "barriers"),
    "experience": ("experience", "experiences"),
    "asset": ("asset", "assets"),
    "idea": ("idea for action", "ideas for action"),
}


def notes_sentence(count: int, by_kind: dict[str, int]) -> str:
    if count == 0:
        return "What people said: no workshop note about this area has been approved yet."
    kinds = ", ".join(
        plural(by_kind[kind], *KIND_WORDS.get(kind, (kind, kind)))
        for kind in [*KIND_WORDS, *sorted(set(by_kind) - set(KIND_WORDS))]
        if by_kind.get(kind)
    )
    notes = plural(count, "approved workshop note", "approved workshop notes")
    return f"What people said: {notes} ({kinds}), each in full below."


def worst_tenth(rows: pd.DataFrame, column: str, among: str) -> WorstTenth:
    """From spine_rows: the indicators with a worst-tenth flag in `column`, and those set."""
    if rows.empty:
        return WorstTenth(among, 0, ())
    ranked = rows[rows[column].notna() & (rows["kind"] != "context")]
    flagged = ranked[ranked[column].astype(bool)]
    return WorstTenth(among, len(ranked), tuple(flagged["title"]))


# A group with fewer residents than this in the area is left out of its gaps: an average
# over a handful of people moves with each household.
MIN_GROUP_RESIDENTS = 100
GAPS_LEAD = (
    "The largest gaps between ethnic groups here (each group's average over the "
    f"neighbourhoods its residents live in; groups of {MIN_GROUP_RESIDENTS} or more residents):"
)
SHOWN_GAPS = 3


def gap_applies(indicator: Indicator) -> bool:
    """Gaps are drawn on LSOA values of indicators where higher is worse or better, and on
    a continuous scale (an average of deciles means little)."""
    return (
        indicator.kind != "context"
        and indicator.polarity != "no_judgement"
        and indicator.scale == "continuous"
        and "lsoa" in indicator.levels
    )


def largest_gaps(
    framework: Framework,
    values: pd.DataFrame,
    residents: pd.DataFrame,
    top: int = SHOWN_GAPS,
    min_residents: int = MIN_GROUP_RESIDENTS,
) -> list[GroupGap]:
    """For each indicator gap_applies to, the Census broad group whose residents fare worst
    on average (population-weighted exposure, as on the Gaps page: scoring.exposure) against
    White residents; the `top` largest by ratio, worst first. Only groups worse off than
    White residents count, and only groups of at least `min_residents` here.

    `values`: level_values_inside rows for LSOAs (indicator_id, area_code, value, numerator,
    denominator); a withheld value counts as its numerator / denominator, as on the Gaps
    page (an average over many areas discloses no small count). `residents`:
    residents_by_group_inside rows (area_code, ethnic_group, residents), with the total."""
    if values.empty or residents.empty:
        return []
    people = residents.pivot_table(
        index="area_code", columns="ethnic_group", values="residents", aggfunc="sum"
    )
    if gaps.WHITE not in people or gaps.ALL_RESIDENTS not in people:
        return []
    found = []
    for indicator in framework.indicators.values():
        if not gap_applies(indicator):
            continue
        rows = values[values["indicator_id"] == indicator.id]
        unsuppressed = rows["numerator"] / rows["denominator"].where(rows["denominator"] != 0)
        value = rows["value"].fillna(unsuppressed * indicator.multiplier)
        series = pd.Series(value.to_numpy(dtype=float), index=rows["area_code"].to_numpy())
        if series.notna().sum() < 2:  # one neighbourhood: every group sees the same value
            continue
        table = scoring.exposure(people, series, gaps.WHITE)
        reference = table.loc[gaps.WHITE]
        if not reference["mean_value"] > 0 or reference["residents"] < min_residents:
            continue
        groups = table.drop(index=[gaps.WHITE, gaps.ALL_RESIDENTS], errors="ignore")
        groups = groups[(groups["residents"] >= min_residents) & (groups["mean_value"] > 0)]
        if groups.empty:
            continue
        if indicator.polarity == "higher_is_worse":
            ratio = groups["mean_value"] / reference["mean_value"]
        else:
            ratio = reference["mean_value"] / groups["mean_value"]
        worst = ratio.idxmax()
        if ratio[worst] > 1:
            found.append(
                GroupGap(
                    indicator.id,
                    indicator.title,
                    indicator.unit,
                    str(worst),
                    float(groups.loc[worst, "mean_value"]),
                    float(reference["mean_value"]),
                    float(ratio[worst]),
                )
            )
    return sorted(found, key=lambda gap: gap.ratio, reverse=True)[:top]


def largest_search_gap(table: pd.DataFrame, period: str) -> SearchGap | None:
    """From gaps.stop_search_disproportionality (disclosure control applied): the group
    searched at the highest rate against White people, with its interval; None when no
    ratio can be shown."""
    groups = table[
        ~table["ethnic_group"].isin([gaps.WHITE, gaps.NOT_STATED, "All residents"])
        & table["ratio_to_white"].notna()
    ]
    if groups.empty:
        return None
    row = groups.loc[groups["ratio_to_white"].idxmax()]
    return SearchGap(
        str(row["ethnic_group"]),
        float(row["ratio_to_white"]),
        float(row["ratio_ci_low"]),
        float(row["ratio_ci_high"]),
        period,
    )


STOP_SEARCH_LEVELS = ("ward", "lad", "ca")  # where the profile shows searches by group


def area_summary(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    info: dict,
    spine: pd.DataFrame,
    notes: pd.DataFrame,
) -> AreaSummary:
    """The summary of one area (info: area_facts) from its spine_rows and its approved
    notes (insights.approved_for_areas)."""
    code, level = info["code"], info["level"]
    many = LEVEL_WORDS[level][1]
    totals = db.query(con, "broad_residents", code=code)
    total = totals.loc[totals["ethnic_group"] == gaps.ALL_RESIDENTS, "residents"]
    residents = float(total.iloc[0]) if len(total) and pd.notna(total.iloc[0]) else None
    england = worst_tenth(spine, "worst_england", f"England's {many}")
    region = None if is_region(info) else worst_tenth(spine, "worst_region", f"the region's {many}")

    found: list[GroupGap] = []
    if level == "lsoa":
        missing = (
            "Gaps between ethnic groups are averages over several neighbourhoods, so none "
            "is worked out for one neighbourhood: its ward's profile has them."
        )
    elif totals.empty:
        missing = "Gaps between ethnic groups need Census 2021 ethnic groups, not loaded."
    else:
        values = db.query(con, "level_values_inside", level="lsoa", within=code)
        groups = db.query(
            con, "residents_by_group_inside", within=code, level="lsoa", group_level="broad"
        )
        found = largest_gaps(framework, values, groups)
        missing = (
            ""
            if found
            else (
                f"On the indicators loaded, no group of {MIN_GROUP_RESIDENTS} or more "
                f"residents here fares worse on average than {gaps.WHITE} residents."
            )
        )

    search, search_missing = None, ""
    if level in STOP_SEARCH_LEVELS:
        table = stop_search(con, code)
        if table is None:
            search_missing = "Stop and search: no police data loaded."
        else:
            search = largest_search_gap(table, gaps.stop_search_period(con))
            if search is None:
                search_missing = (
                    "Stop and search: no group's rate can be set against White people's "
                    f"here, as the counts are under {scoring.SUPPRESS_NUMERATOR_BELOW} "
                    "(withheld)."
                )
    by_kind = notes["kind"].value_counts().to_dict() if len(notes) else {}
    return AreaSummary(
        level=level,
        residents=residents,
        england=england,
        region=region,
        gaps=tuple(found),
        gaps_missing=missing,
        search=search,
        search_missing=search_missing,
        notes=len(notes),
        notes_by_kind={str(k): int(v) for k, v in by_kind.items()},
    )


# --- notes and services, as the profile lists them ----------------------------------------


def note_heading(note: pd.Series, framework: Framework) -> str:
    """A note's kind and what it is about, in words: 'A barrier · Policing & justice'."""
    kind = KINDS.get(str(note["kind"]), str(note["kind"]))
    domain = framework.domains.get(str(note["domain"]))
    parts = [kind, domain.title if domain else str(note["domain"])]
    indicator = framework.indicators.get(str(note.get("indicator_id") or ""))
    if indicator is not None:
        parts.append(indicator.title)
    return " · ".join(parts)


# The indicator that measures the distance to the nearest service of each kind
# (tests/unit/test_profiles.py checks that each one's SQL measures that kind).
NEAREST_DISTANCE = {
    "gp_practice": "distance_gp",
    "pharmacy": "distance_pharmacy",
    "library": "distance_library",
}
NEAREST_LISTED = 3  # for a neighbourhood: its nearest few of each kind, inside it or not


@dataclass(frozen=True)
class ServiceGroup:
    """One kind of service for an area: how many are in it, how far the nearest is, and
    the places: for a neighbourhood, its nearest few with their distances; for a larger
    area, the ones inside it."""

    kind: ServiceType
    inside: int
    distance_km: float | None
    places: pd.DataFrame = field(repr=False)

    def sentence(self, level: str) -> str:
        """How many, and how far the nearest is, after the kind's name: '3 in this ward;
        ...'."""
        where = "this neighbourhood" if level == "lsoa" else f"this {LEVEL_WORDS[level][0]}"
        words = f"{self.inside:,} in {where}"
        if self.distance_km is None:
            return words + "."
        km = maps.format_value(self.distance_km)
        if level == "lsoa":
            return f"{words}; the nearest is {km} km from its centre (straight line)."
        return (
            f"{words}; on average {km} km from a neighbourhood's centre to the nearest, "
            "weighted by residents (straight line)."
        )


def service_groups(
    con: duckdb.DuckDBPyConnection, info: dict, spine: pd.DataFrame
) -> list[ServiceGroup]:
    """Every declared kind of service (data_loaders: a source's service type), with its
    count in the area and the area's distance indicator from spine_rows."""
    code, level = info["code"], info["level"]
    if not db.has_table(con, "services"):
        return []
    counts = db.query(con, "service_counts_in_area", code=code).set_index("service_type")
    if level == "lsoa" and db.has_table(con, "lsoa_centres"):
        places = db.query(con, "services_near", code=code, per_type=NEAREST_LISTED)
        places = places.rename(columns={"service_type": "service"})
    else:
        places = nearby_services(con, code)
    distances = spine.set_index("indicator_id")["value"] if len(spine) else pd.Series()
    groups = []
    for kind in SERVICE_TYPES.values():
        indicator = NEAREST_DISTANCE.get(kind.id)
        distance = distances.get(indicator) if indicator else None
        shown = places[places["service"] == kind.id].drop(columns="service")
        groups.append(
            ServiceGroup(
                kind,
                int(counts["services"].get(kind.id, 0)),
                None if distance is None or pd.isna(distance) else float(distance),
                service_table(shown),
            )
        )
    return groups


def service_table(places: pd.DataFrame) -> pd.DataFrame:
    """Service points with words for headings, distances to 2 decimals."""
    table = pd.DataFrame({"Name": places["name"]})
    if "km" in places:
        table["Distance (km)"] = places["km"].round(2)
        table["In this area"] = places["is_inside"].map({True: "yes", False: "no"})
    table["Postcode"] = places["postcode"].fillna("")
    return table.reset_index(drop=True)


def places_heading(group: ServiceGroup) -> str:
    """The heading over the list of a larger area's services: how many it lists."""
    listed = len(group.places)
    if listed < group.inside:
        return f"The first {listed:,} of the {group.inside:,} {group.kind.plural}, by name"
    if listed == 1:
        return f"The {group.kind.singular}"
    return f"The {listed:,} {group.kind.plural}, by name"


def not_drawn(framework: Framework, spine: pd.DataFrame) -> list[str]:
    """The titles of the indicators with no row for an area, in the framework's order."""
    drawn = set(spine["indicator_id"]) if len(spine) else set()
    return [i.title for i in framework.indicators.values() if i.id not in drawn]


def not_drawn_sentence(titles: list[str], level: str) -> str:
    count = plural(len(titles), "indicator", "indicators")
    return (
        f"{count} of the framework {'has' if len(titles) == 1 else 'have'} no value for this "
        f"{LEVEL_WORDS[level][0]} (published for smaller areas only, or their data not "
        "loaded), so not drawn."
    )


def share_words(groups: pd.DataFrame) -> list[str]:
    """Each group's share and count in words (ethnic_composition rows): '40.0% (600
    residents)'."""
    return [
        f"{share:.1f}% ({plural(residents, 'resident', 'residents')})"
        for residents, share in zip(groups["residents"], groups["share"], strict=True)
    ]


def composition_table(composition: pd.DataFrame) -> pd.DataFrame:
    """ethnic_composition with words for headings: broad groups first, then detailed (said
    in a column of its own only where both are there)."""
    table = pd.DataFrame(
        {
            "Ethnic group": composition["ethnic_group"],
            "Groups": composition["group_level"].map(
                {"broad": "5 broad groups", "detailed": "19 detailed groups"}
            ),
            "Residents": composition["residents"],
            "% of residents": composition["share"].round(1),
        }
    ).reset_index(drop=True)
    return table if table["Groups"].nunique() > 1 else table.drop(columns="Groups")
