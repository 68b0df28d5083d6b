"""What the map explorer, area profile and comparison pages show: view state that lives in
the URL, and the frames behind each view. No Streamlit here: pages call these and render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from arp import composites, maps
from arp.framework import Framework
from arp.indicators import ENGLAND
from arp.workshop import EQUAL_WEIGHTS, Scenario

LEVELS = ("lsoa", "msoa", "ward", "lad")
OVERALL = "overall"
DOMAIN_PREFIX = "domain:"
MAX_COMPARE = 6


@dataclass(frozen=True)
class ViewState:
    """Everything that defines a view; round-trips through the URL query string."""

    level: str = "lsoa"
    within: str = "E47000007"
    show: str = "imd_score_2025"
    scenario: str = EQUAL_WEIGHTS
    scheme: str = "quantiles"
    area: str | None = None
    compare: tuple[str, ...] = field(default_factory=tuple)
    gap_indicator: str = "imd_score_2025"
    present: bool = False
    map_view: str | None = None  # "latitude,longitude,zoom" where the map was left

    def to_params(self) -> dict[str, str]:
        params = {
            "level": self.level,
            "within": self.within,
            "show": self.show,
            "scenario": self.scenario,
            "scheme": self.scheme,
            "gap": self.gap_indicator,
        }
        if self.area:
            params["area"] = self.area
        if self.compare:
            params["compare"] = ",".join(self.compare)
        if self.present:
            params["present"] = "1"
        if self.map_view:
            params["map"] = self.map_view
        return params

    def short_params(self) -> dict[str, str]:
        """Only what differs from the default view: the shortest link to the same view."""
        defaults = ViewState().to_params()
        return {k: v for k, v in self.to_params().items() if defaults.get(k) != v}


def parse_state(
    params: Mapping[str, str],
    framework: Framework,
    area_codes: set[str],
    within_options: list[str],
    scenario_names: list[str],
) -> tuple[ViewState, list[str]]:
    """The view a URL asks for. A value that is not valid falls back to the default, and a
    message says which, so a mistyped or stale link still opens."""
    default = ViewState(within=within_options[0] if within_options else "E47000007")
    state, problems = default, []

    def take(name, valid, convert=lambda v: v):
        nonlocal state
        if name not in params:
            return
        value = params[name]
        if valid(value):
            state = replace(state, **{_FIELDS[name]: convert(value)})
        else:
            problems.append(f"'{value}' is not a valid {name}; showing the default instead.")

    take("level", lambda v: v in LEVELS)
    take("within", lambda v: v in within_options)
    take("show", lambda v: is_showable(v, framework))
    take("scenario", lambda v: v in scenario_names)
    take("scheme", lambda v: v in maps.SCHEMES)
    take("area", lambda v: v in area_codes)
    take("gap", lambda v: v in framework.indicators)
    take("present", lambda v: v in ("0", "1"), lambda v: v == "1")
    take("map", lambda v: map_view_from(v) is not None)
    take(
        "compare",
        lambda v: all(c in area_codes for c in v.split(",")) and len(v.split(",")) <= MAX_COMPARE,
        lambda v: tuple(v.split(",")),
    )
    return state, problems


_FIELDS = {
    "level": "level",
    "within": "within",
    "show": "show",
    "scenario": "scenario",
    "scheme": "scheme",
    "area": "area",
    "compare": "compare",
    "gap": "gap_indicator",
    "present": "present",
    "map": "map_view",
}


def map_view_from(text: str) -> tuple[float, float, int] | None:
    """(latitude, longitude, zoom) from a link's "map" value, or None if it is not one.
    The browser writes it there as the map is panned and zoomed."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        latitude, longitude, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180 and 0 <= zoom <= 19:
        return latitude, longitude, zoom
    return None


def is_showable(show: str, framework: Framework) -> bool:
    if show == OVERALL:
        return True
    if show.startswith(DOMAIN_PREFIX):
        domain = framework.domains.get(show.removeprefix(DOMAIN_PREFIX))
        return domain is not None and not domain.context_only
    return show in framework.indicators


def show_label(show: str, framework: Framework) -> str:
    if show == OVERALL:
        return "Overall composite score"
    if show.startswith(DOMAIN_PREFIX):
        return f"{framework.domains[show.removeprefix(DOMAIN_PREFIX)].title}: composite score"
    return framework.indicators[show].title


def areas_within(con: duckdb.DuckDBPyConnection, level: str, within: str) -> pd.DataFrame:
    return con.execute(
        """select code, coalesce(name_hcl || ' (' || name || ')', name) as name,
                  geometry_display_wkb, label_lat, label_lon
           from areas where level = $level and $within in (code, msoa_code, ward_code, lad_code, ca_code)
           order by code""",
        {"level": level, "within": within},
    ).df()


@dataclass
class MapView:
    """The rows of one map: area, value, interval, position and flag, ready to draw."""

    frame: pd.DataFrame
    title: str
    unit: str
    polarity: str
    kind: str
    period: str
    caveats: str
    message: str | None = None


def indicator_view(
    con: duckdb.DuckDBPyConnection, framework: Framework, state: ViewState
) -> MapView:
    indicator = framework.indicators[state.show]
    areas = areas_within(con, state.level, state.within)
    values = con.execute(
        """select area_code as code, value, ci_low, ci_high, suppressed, suppression_reason,
                  percentile_wmca, worse_percentile_wmca, flag_worst10_wmca
           from indicator_values where indicator_id = $id and level = $level and in_area""",
        {"id": indicator.id, "level": state.level},
    ).df()
    frame = areas.merge(values, on="code", how="left")
    message = None
    if state.level not in indicator.levels:
        message = (
            f"{indicator.title} is published for {', '.join(lv.upper() for lv in indicator.levels)}"
            f" only, not for {state.level.upper()}s."
        )
    elif values.empty:
        message = f"{indicator.title}: data not loaded."
    return MapView(
        frame,
        indicator.title,
        indicator.unit,
        indicator.polarity,
        indicator.kind,
        indicator.period,
        indicator.caveats,
        message,
    )


def composite_view(
    con: duckdb.DuckDBPyConnection, framework: Framework, state: ViewState, scenario: Scenario
) -> MapView:
    areas = areas_within(con, state.level, state.within)
    matrix = composites.worse_percentile_matrix(con, framework, state.level)
    scores = composites.composite_scores(matrix, framework, scenario)
    if state.show == OVERALL:
        column, flags = "overall_score", "overall_flags"
    else:
        domain = state.show.removeprefix(DOMAIN_PREFIX)
        column, flags = f"{domain}_score", f"{domain}_flags"
    picked = pd.DataFrame(
        {
            "code": scores.index,
            "value": scores[column].to_numpy() if column in scores else np.nan,
            "flag_count": scores[flags].to_numpy() if flags in scores else 0,
        }
    )
    frame = areas.merge(picked, on="code", how="left")
    frame["percentile_wmca"] = frame["value"]
    message = None if frame["value"].notna().any() else "No scored indicator here yet."
    return MapView(
        frame,
        show_label(state.show, framework),
        f"0 to 100 (100 = worst-placed); weights: {scenario.name}",
        "higher_is_worse",
        "level",
        "latest of each indicator",
        "A composite summarises positions; read it beside the count of indicators "
        "in the worst 10%.",
        message,
    )


def tooltip_lines(row: Mapping, view: MapView) -> list[str]:
    """Plain-text lines for one area's tooltip (set as text in the browser, never HTML)."""
    lines = [str(row["name"]), str(row["code"])]
    if "flag_count" in row:
        if pd.notna(row.get("value")):
            lines.append(f"Score: {row['value']:.0f} of 100")
            lines.append(f"Indicators in worst 10%: {int(row['flag_count'])}")
        else:
            lines.append("No score")
        return lines
    if bool(row.get("suppressed")) is True:
        lines.append(f"Suppressed ({row['suppression_reason']})")
        return lines
    if pd.isna(row.get("value")):
        lines.append("No data")
        return lines
    text = f"{maps.format_value(row['value'])} {view.unit}"
    if pd.notna(row.get("ci_low")):
        text += (
            f" (95% CI {maps.format_value(row['ci_low'])} to {maps.format_value(row['ci_high'])})"
        )
    lines.append(text)
    if pd.notna(row.get("percentile_wmca")):
        lines.append(f"Percentile in the area mapped: {row['percentile_wmca']:.0f}")
    if _is_true(row.get("flag_worst10_wmca")):
        lines.append("⚑ In the worst 10% of areas mapped")
    if row.get("insights"):
        lines.append(f"Workshop insights here: {int(row['insights'])}")
    return lines


def table_view(view: MapView) -> pd.DataFrame:
    """The map's data as a table: the alternative for screen readers and analysts."""
    frame = view.frame
    table = pd.DataFrame({"Area": frame["name"], "Code": frame["code"]})
    table[f"Value ({view.unit})"] = frame["value"].round(2)
    if "ci_low" in frame:
        table["95% CI low"] = frame["ci_low"].round(2)
        table["95% CI high"] = frame["ci_high"].round(2)
        table["Percentile"] = frame["percentile_wmca"].round(0)
        table["Worst 10%"] = frame["flag_worst10_wmca"].map({True: "yes", False: "no"})
        table["Note"] = frame["suppression_reason"].fillna("")
        table.loc[frame["value"].isna() & (table["Note"] == ""), "Note"] = "no data"
    else:
        table["Indicators in worst 10%"] = frame["flag_count"]
    if "insights" in frame:
        table["Workshop insights"] = frame["insights"].astype(int)
    return table


def profile(
    con: duckdb.DuckDBPyConnection, framework: Framework, code: str
) -> tuple[dict, pd.DataFrame]:
    """An area's facts and every indicator for it, with the area-mapped and England benchmarks."""
    area = con.execute(
        "select code, name, name_hcl, level, lad_code, ca_code from areas where code = $code",
        {"code": code},
    ).df()
    if area.empty:
        raise KeyError(code)
    info = area.iloc[0].to_dict()
    benchmark = info["ca_code"] or info["lad_code"]
    rows = con.execute(
        """select v.indicator_id, v.value, v.ci_low, v.ci_high, v.suppressed, v.suppression_reason,
                  v.percentile_wmca, v.flag_worst10_wmca, b.value as benchmark_value,
                  e.value as england_value, v.percentile_england
           from indicator_values v
           left join indicator_values b on b.indicator_id = v.indicator_id and b.area_code = $benchmark
           left join indicator_values e on e.indicator_id = v.indicator_id and e.area_code = $england
           where v.area_code = $code""",
        {"code": code, "benchmark": benchmark, "england": ENGLAND},
    ).df()
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
                "Worst 10%": "yes" if _is_true(row["flag_worst10_wmca"]) else "",
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
    return con.execute(
        """with groups as (
               select ethnic_group, group_level, residents from population_by_ethnicity
               where area_code = $code
           )
           select ethnic_group, group_level, residents,
                  residents / (select residents from groups where group_level = 'total') * 100
                      as share
           from groups where group_level <> 'total'
           order by group_level, residents desc""",
        {"code": code},
    ).df()


def nearby_services(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return con.execute(
        """select s.service_type as service, s.name, s.postcode from services as s
           inner join areas as a on a.code = s.lsoa21cd and a.level = 'lsoa'
           where $code in (a.code, a.msoa_code, a.ward_code, a.lad_code, a.ca_code)
           order by s.service_type, s.name
           limit 200""",
        {"code": code},
    ).df()


def find_area(con: duckdb.DuckDBPyConnection, text: str) -> list[tuple[str, str, str]]:
    """Areas whose name or code contains `text`, or the LSOA of a full postcode."""
    text = text.strip()
    if not text:
        return []
    key = "".join(text.upper().split())
    postcode = (
        con.execute(
            """select a.code, a.name, a.level from postcodes p join areas a on a.code = p.lsoa21cd
           where p.postcode_key = $key""",
            {"key": key},
        ).fetchall()
        if _has(con, "postcodes")
        else []
    )
    if postcode:
        return postcode
    return con.execute(
        """select code, coalesce(name_hcl || ' (' || name || ')', name), level from areas
           where level <> 'ca' and (name ilike '%' || $text || '%' or name_hcl ilike '%' || $text || '%'
                 or code = upper($text))
           order by case level when 'lad' then 1 when 'ward' then 2 when 'msoa' then 3 else 4 end, name
           limit 20""",
        {"text": text},
    ).fetchall()


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_name = $t", {"t": table}
    ).fetchone()
    return row is not None and row[0] > 0


def _is_true(flag) -> bool:
    """A flag from the database: True, False, or missing (NA, None)."""
    return flag is not None and not pd.isna(flag) and bool(flag)


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


def view_map(view: MapView, scheme: str, source_line: str, **layers) -> maps.MapSpec:
    """The map of a view: classes, tooltips, legend, and what maps.choropleth takes besides
    (geometry_version, held, districts, overlays, tiles, focus, height)."""
    tooltips = [tooltip_lines(row, view) for row in view.frame.to_dict("records")]
    return maps.choropleth(
        view.frame,
        view.title,
        view.unit,
        view.polarity,
        view.kind,
        tooltips,
        scheme,
        source_line,
        **layers,
    )
