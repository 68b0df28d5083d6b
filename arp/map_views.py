"""What a map of the explorer shows: the rows of one view (an indicator or a composite),
its tooltips and its table, and the map specification the browser draws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from arp import composites, db, levels, maps, robustness, weighting
from arp.framework import Framework
from arp.view_state import ViewState
from arp.workshop import Scenario


def areas_within(con: duckdb.DuckDBPyConnection, level: str, within: str) -> pd.DataFrame:
    return db.query(con, "areas_within", level=level, within=within)


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
    scale: str = "continuous"  # "decile": categorical classes, flag = England's worst tenth
    # a composite's: how much its worst 10% depends on the weights, naming the scenario
    # (user text: exports draw it as text, pages through widgets.plain)
    weights_note: str = ""


def indicator_view(
    con: duckdb.DuckDBPyConnection, framework: Framework, state: ViewState
) -> MapView:
    indicator = framework.indicators[state.show.id]
    areas = areas_within(con, state.level, state.within)
    values = db.query(con, "indicator_at_level", indicator=indicator.id, level=state.level)
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
        indicator.scale,
    )


def composite_view(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: ViewState,
    scenario: Scenario,
    inputs: composites.CompositeInputs | None = None,
    weights_check: robustness.Robustness | None = None,
) -> MapView:
    """A domain's or the overall composite. `inputs` (composites.composite_inputs for the
    state's level) and `weights_check` (weighting.robustness_of for the state's composite
    and `scenario`) can be given, so a caller that caches them does not compute them again."""
    areas = areas_within(con, state.level, state.within)
    if inputs is None:
        inputs = composites.composite_inputs(con, framework, state.level)
    scores = composites.composite_scores(inputs, framework, scenario)
    if state.show.kind == "overall":
        column, flags = "overall_score", "overall_flags"
    else:
        column, flags = f"{state.show.id}_score", f"{state.show.id}_flags"
    picked = pd.DataFrame(
        {
            "code": scores.index,
            "value": scores[column].to_numpy() if column in scores else np.nan,
            "flag_count": scores[flags].to_numpy() if flags in scores else 0,
        }
    )
    if weights_check is None:
        target = weighting.target_of(state.show.kind, state.show.id)
        weights_check = weighting.robustness_of(inputs, framework, scenario, target)
    checked = weights_check.frame
    picked["worst_share"] = picked["code"].map(checked["worst_share"])
    picked["weights_words"] = [
        robustness.in_words(share, weights_check.settings) if pd.notna(share) else ""
        for share in picked["worst_share"]
    ]
    frame = areas.merge(picked, on="code", how="left")
    frame["percentile_wmca"] = frame["value"]
    message = None if frame["value"].notna().any() else "No scored indicator here yet."
    noun = levels.plural_noun(state.level)
    # counted over the areas on this map (ranked, as the composite is, among all mapped)
    shown_check = replace(weights_check, frame=checked.reindex(frame["code"]))
    note = (
        f"Weights: {scenario.name}. {weighting.counts_in_words(shown_check, noun)} "
        f"Draws: {weights_check.settings.describe()}."
    )
    return MapView(
        frame,
        state.show.label(framework),
        f"0 to 100 (100 = worst-placed); weights: {scenario.name}",
        "higher_is_worse",
        "level",
        "latest of each indicator",
        "A composite summarises positions; read it beside the count of indicators "
        "in the worst 10%.",
        message,
        weights_note=note,
    )


def robustness_view(view: MapView) -> MapView:
    """A composite's view coloured by how much its worst 10% depends on the weights: the
    share of weightings drawn that put each area there, in four fixed classes."""
    frame = view.frame.copy()
    frame["score"] = frame["value"]
    frame["value"] = frame["worst_share"] * 100
    return replace(
        view,
        frame=frame,
        title=f"{view.title}: how much the worst 10% depends on the weights",
        unit="% of plausible weightings with the area in the worst 10%",
        scale=maps.ROBUSTNESS_SCALE,
    )


SHIFT_UNIT = "places nearer the worst under these weights"  # negative: further from it


def shift_view(view: MapView, compared: pd.DataFrame, other_name: str) -> MapView:
    """A composite's view coloured by each area's rank shift from another scenario
    (robustness.compare_scenarios with the other first): darker moved nearer the worst."""
    frame = view.frame.copy()
    frame["score"] = frame["value"]
    for column in ("rank_a", "rank_b", "shift", "change"):
        frame[column] = frame["code"].map(compared[column])
    frame["value"] = pd.array(frame["shift"], dtype="Float64").to_numpy(
        dtype=float, na_value=np.nan
    )
    frame["other_scenario"] = other_name
    return replace(
        view,
        frame=frame,
        title=f"{view.title}: rank change from another scenario",
        unit=SHIFT_UNIT,
        scale=maps.SHIFT_SCALE,
    )


def compared_with(view: MapView) -> str:
    """For an export's subtitle: the scenario a rank-change map is compared with, which the
    page says beside the map and an image must say itself; else nothing."""
    if "other_scenario" not in view.frame:
        return ""
    return f" · compared with: {view.frame['other_scenario'].iloc[0]}"


def shift_words(shift: int) -> str:
    """An area's rank change in words: "3 places nearer the worst", "No change in rank"."""
    if shift == 0:
        return "No change in rank"
    return (
        f"{maps.places(abs(shift))} {'nearer the worst' if shift > 0 else 'further from the worst'}"
    )


def tooltip_lines(row: Mapping, view: MapView) -> list[str]:
    """Plain-text lines for one area's tooltip (set as text in the browser, never HTML)."""
    lines = [str(row["name"]), str(row["code"])]
    if view.unit == SHIFT_UNIT:
        if pd.isna(row.get("value")):
            return [*lines, "No score"]
        change = {"enters": "Enters the worst 10%", "leaves": "Leaves the worst 10%"}
        return [
            *lines,
            f"Rank {int(row['rank_b'])} under these weights, {int(row['rank_a'])} under "
            f"{row['other_scenario']}",
            shift_words(int(row["value"])),
            *([change[row["change"]]] if row.get("change") in change else []),
        ]
    if view.scale == maps.ROBUSTNESS_SCALE:
        if pd.isna(row.get("score")):
            return [*lines, "No score"]
        return [
            *lines,
            str(row["weights_words"]),
            f"Score under these weights: {row['score']:.0f} of 100",
            f"Indicators in worst 10%: {int(row['flag_count'])}",
        ]
    if "flag_count" in row:
        if pd.notna(row.get("value")):
            lines.append(f"Score: {row['value']:.0f} of 100")
            lines.append(f"Indicators in worst 10%: {int(row['flag_count'])}")
            if row.get("weights_words"):
                lines.append(str(row["weights_words"]))
        else:
            lines.append("No score")
        return lines
    if bool(row.get("suppressed")) is True:
        lines.append(f"Suppressed ({row['suppression_reason']})")
        return lines
    if pd.isna(row.get("value")):
        lines.append("No data")
        return lines
    if view.scale == "decile":
        text = f"Decile {maps.decile_label(row['value'])}"
    else:
        text = f"{maps.format_value(row['value'])} {view.unit}"
    if pd.notna(row.get("ci_low")):
        text += (
            f" (95% CI {maps.format_value(row['ci_low'])} to {maps.format_value(row['ci_high'])})"
        )
    lines.append(text)
    if pd.notna(row.get("percentile_wmca")):
        lines.append(f"Percentile in the area mapped: {row['percentile_wmca']:.0f}")
    if is_true(row.get("flag_worst10_wmca")):
        lines.append(flag_words(view.scale))
    if row.get("insights"):
        lines.append(f"Workshop insights here: {int(row['insights'])}")
    return lines


FLAGGED = "⚑ yes"  # a table's worst-10% cell


def flag_words(scale: str) -> str:
    """The worst-10% flag in words: a decile's flag is England's most deprived tenth."""
    if scale == "decile":
        return "⚑ In England's most deprived tenth (decile 1)"
    return "⚑ In the worst 10% of areas mapped"


def flag_heading(scale: str) -> str:
    return "England's most deprived 10%" if scale == "decile" else "Worst 10%"


def table_view(view: MapView) -> pd.DataFrame:
    """The map's data as a table: the alternative for screen readers and analysts."""
    frame = view.frame
    table = pd.DataFrame({"Area": frame["name"], "Code": frame["code"]})
    table[f"Value ({view.unit})"] = frame["value"].round(2)
    if view.scale == "decile":
        table["Decile"] = frame["value"].map(maps.decile_label, na_action="ignore").fillna("")
    if "ci_low" in frame:
        if frame["ci_low"].notna().any():  # a score (IoD) has no interval: no empty columns
            table["95% CI low"] = frame["ci_low"].round(2)
            table["95% CI high"] = frame["ci_high"].round(2)
        table["Percentile"] = frame["percentile_wmca"].round(0)
        # In words and a symbol, never colour alone.
        table[flag_heading(view.scale)] = frame["flag_worst10_wmca"].map(
            {True: FLAGGED, False: "no"}
        )
        table["Note"] = frame["suppression_reason"].fillna("")
        table.loc[frame["value"].isna() & (table["Note"] == ""), "Note"] = "no data"
    else:
        if "score" in frame:
            table["Score"] = frame["score"].round(2)
        if "rank_a" in frame:
            table["Rank under the other scenario"] = frame["rank_a"]
            table["Rank under these weights"] = frame["rank_b"]
            table["Worst 10%"] = frame["change"].fillna("")
        table["Indicators in worst 10%"] = frame["flag_count"]
        if "weights_words" in frame:
            table["Under other weightings"] = frame["weights_words"].fillna("")
    if "insights" in frame:
        table["Workshop insights"] = frame["insights"].astype(int)
    return table


def map_spec(view: MapView, scheme: str, source_line: str, **layers) -> maps.MapSpec:
    """The map of a view: classes, tooltips, legend, and what maps.choropleth takes besides
    (geometry_version, held, districts, overlays, tiles, focus, height)."""
    tooltips = [tooltip_lines(row, view) for row in view.frame.to_dict("records")]
    return maps.choropleth(
        view.frame,
        view.title,
        view.unit,
        view.polarity,
        view.kind,
        [lines[2:] for lines in tooltips],
        scheme,
        source_line,
        scale=view.scale,
        labels=[lines[:2] for lines in tooltips],  # name and code: kept with the geometry
        **layers,
    )


def view_for(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: ViewState,
    scenario: Scenario,
    inputs: composites.CompositeInputs | None = None,
    weights_check: robustness.Robustness | None = None,
) -> MapView:
    """The view a state shows: its indicator, or its composite under `scenario`."""
    if state.show.is_composite:
        return composite_view(con, framework, state, scenario, inputs, weights_check)
    return indicator_view(con, framework, state)


def is_true(flag) -> bool:
    """A flag from the database: True, False, or missing (NA, None)."""
    return flag is not None and not pd.isna(flag) and bool(flag)
