"""Advocacy exports that carry their own context: map images (PNG, SVG) and area profile
PDFs, rendered on the server with geopandas and matplotlib, no browser needed.

Every image carries its title, what it shows, a legend with the class breaks and the
suppressed/no-data swatch, the attribution of every dataset used, the data period, the
export date, the caveat, and a link (with QR code) back to the same view.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import duckdb
import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # files only: no display on a server
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import segno
from matplotlib import patheffects
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.patches import Patch

from arp import db, gaps, levels, map_views, maps, profiles, tables, view_state
from arp.framework import Framework
from arp.settings import PUBLIC_URL_DEFAULT
from arp.view_state import Show
from arp.workshop import Scenario

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType  # matplotlib 3.9+; for the checker only

SIZES = {  # name: (width in, height in, dpi)
    "slide": (16.0, 9.0, 120),  # 1920 x 1080
    "square": (10.8, 10.8, 100),  # 1080 x 1080
    "a4": (8.27, 11.69, 150),  # 1240 x 1754, portrait
}
TEXT = "#1a1a1a"
STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "text.color": TEXT,
    "pdf.fonttype": 42,  # TrueType: text stays selectable and extractable
    "svg.fonttype": "none",
    "text.parse_math": False,  # a '$' in a name is a dollar sign, never mathematics
}


@dataclass(frozen=True)
class ExportContext:
    title: str
    subtitle: str
    attributions: list[str]
    period: str
    caveat: str
    link: str
    exported: date


def view_link(state: view_state.ViewState, public_url: str, page: str = "") -> str:
    """A link that reopens the same view in the app."""
    query = urlencode(state.short_params())
    return f"{public_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def attributions(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> list[str]:
    return db.query(con, "attributions", ids=source_ids)["attribution"].tolist()


def sources_of(framework: Framework, show: Show) -> list[str]:
    """The ids of the sources behind a view, its boundaries included."""
    ids = tables.indicator_source_ids(framework, show)
    return [*ids, "lsoa21_boundaries", "msoa21_boundaries", "ward25_boundaries", "lad_boundaries"]


def _qr(ax, link: str) -> None:
    matrix = np.array(segno.make(link, error="m").matrix, dtype=float)
    ax.imshow(1 - matrix, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.set_axis_off()


def _footer(fig, context: ExportContext, y: float, width_chars: int) -> None:
    lines = [f"Data: {context.period}. Exported {context.exported:%d %B %Y}."]
    if context.caveat:
        lines.append(f"Caveat: {context.caveat}")
    lines += context.attributions
    wrapped = "\n".join(textwrap.fill(line, width_chars) for line in lines)
    fig.text(0.03, y, wrapped, fontsize=7.5, va="top", ha="left", color="#333333", wrap=True)


def render_map(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: view_state.ViewState,
    scenario: Scenario,
    out: Path,
    size: str = "slide",
    public_url: str = PUBLIC_URL_DEFAULT,
    today: date | None = None,
) -> ExportContext:
    """Render the map of `state` to PNG or SVG (by the file's suffix)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    view = map_views.view_for(con, framework, state, scenario)
    within_facts = db.query(con, "area_facts", code=state.within)
    within = within_facts["name"].tolist() or None
    subtitle = f"{levels.LABELS[state.level]} in {within[0] if within else state.within}"
    if state.show.is_composite:
        subtitle += f" · weights: {scenario.name}"
    context = ExportContext(
        title=view.title,
        subtitle=f"{subtitle} · {view.unit}",
        attributions=attributions(con, sources_of(framework, state.show)),
        period=view.period,
        caveat=view.caveats,
        link=view_link(state, public_url),
        exported=today or date.today(),
    )
    frame = view.frame
    classes = maps.classify(frame["value"], state.scheme, view.scale)
    colours = maps.colours_for(view.polarity, view.kind, max(len(classes.bounds), 1))
    geometry = gpd.GeoSeries.from_wkb([bytes(b) for b in frame["geometry_display_wkb"]], crs=4326)
    areas = gpd.GeoDataFrame(frame[["code"]], geometry=geometry.values, crs=4326).to_crs(27700)
    districts = map_views.areas_within(con, "lad", state.within)
    outlines = gpd.GeoDataFrame(
        districts[["name"]],
        geometry=gpd.GeoSeries.from_wkb(
            [bytes(b) for b in districts["geometry_display_wkb"]], crs=4326
        ).values,
        crs=4326,
    ).to_crs(27700)

    width, height, dpi = SIZES[size]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height), dpi=dpi)
        portrait = height > width
        title_y = 0.965
        fig.text(
            0.03,
            title_y,
            context.title,
            fontsize=20 if not portrait else 17,
            fontweight="bold",
            va="top",
        )
        fig.text(
            0.03,
            title_y - (0.055 if not portrait else 0.035),
            context.subtitle,
            fontsize=11,
            va="top",
            color="#333333",
        )
        map_box = (0.02, 0.25, 0.70, 0.62) if not portrait else (0.03, 0.30, 0.94, 0.56)
        ax = fig.add_axes(map_box)
        fill = [colours[i] if i >= 0 else maps.NO_DATA_COLOUR for i in classes.index]
        areas.plot(ax=ax, color=fill, edgecolor="#4d4d4d", linewidth=0.15)
        missing = classes.index < 0
        if missing.any():
            areas[missing].plot(
                ax=ax, facecolor="none", edgecolor="#7f7f7f", hatch="////", linewidth=0.1
            )
        if state.level != "lad":
            outlines.boundary.plot(ax=ax, color="#000000", linewidth=1.0)
        for row in outlines.itertuples():
            point = row.geometry.representative_point()
            ax.text(
                point.x,
                point.y,
                row.name,
                fontsize=8,
                ha="center",
                va="center",
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            )
        ax.set_axis_off()
        ax.set_aspect("equal")
        handles = [
            Patch(facecolor=c, edgecolor="#4d4d4d", label=label)
            for c, label in maps.legend_rows(classes, colours)
        ]
        handles.append(
            Patch(
                facecolor=maps.NO_DATA_COLOUR,
                edgecolor="#7f7f7f",
                hatch="////",
                label="Suppressed or no data",
            )
        )
        legend_anchor = (1.01, 1.0) if not portrait else (0.0, -0.02)
        ax.legend(
            handles=handles,
            title=textwrap.fill(view.unit, 28),
            loc="upper left",
            bbox_to_anchor=legend_anchor,
            frameon=True,
            fontsize=9,
            title_fontsize=9,
            ncol=1 if not portrait else 3,
        )
        _footer(fig, context, 0.2 if not portrait else 0.17, 150 if not portrait else 110)
        qr = fig.add_axes(
            (0.86, 0.02, 0.11, 0.11 * width / height)
            if not portrait
            else (0.80, 0.015, 0.17, 0.17 * width / height)
        )
        _qr(qr, context.link)
        link_text = textwrap.fill(
            f"Open this view: {context.link}", 120 if not portrait else 80, break_long_words=True
        )
        fig.text(0.03, 0.012, link_text, fontsize=6.5, color="#333333", va="bottom")
        fig.savefig(out, dpi=dpi, facecolor="white")
        plt.close(fig)
    return context


def render_profile(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    code: str,
    out: Path,
    public_url: str = PUBLIC_URL_DEFAULT,
    today: date | None = None,
    said: list[str] | None = None,
) -> ExportContext:
    """An A4 PDF for one area: its indicators against benchmarks, its people, sources."""
    info, table = profiles.profile(con, framework, code)
    name = f"{info['name_hcl']} ({info['name']})" if info.get("name_hcl") else info["name"]
    state = view_state.ViewState(area=code)
    context = ExportContext(
        title=name,
        subtitle=f"{info['level'].upper()} {code} · area profile",
        attributions=attributions(
            con, [s for i in framework.indicators.values() for e in i.sources for s in e.split("|")]
        ),
        period="latest release of each source (see the Period column)",
        caveat="Values resting on fewer than 10 counted, or on fewer than 50 people, are suppressed.",
        link=view_link(state, public_url, "area_profile"),
        exported=today or date.today(),
    )
    composition = profiles.ethnic_composition(con, code)
    with plt.rc_context(STYLE), PdfPages(out, metadata={"Title": f"Area profile: {name}"}) as pdf:
        fig = plt.figure(figsize=SIZES["a4"][:2])
        fig.text(0.06, 0.96, context.title, fontsize=18, fontweight="bold", va="top")
        fig.text(0.06, 0.925, context.subtitle, fontsize=10, va="top", color="#333333")
        fig.text(
            0.06,
            0.905,
            f"Exported {context.exported:%d %B %Y}. {context.link}",
            fontsize=7,
            va="top",
            color="#333333",
        )
        ax = fig.add_axes((0.04, 0.06, 0.92, 0.82))
        ax.set_axis_off()
        shown = table.head(34)
        cells = [
            [
                textwrap.shorten(row["Indicator"], 46),
                maps.format_value(row["Value"]),
                row["95% CI"],
                maps.format_value(row["Area mapped"]),
                maps.format_value(row["England"]),
                row["Worst 10%"] or row["Note"][:18],
            ]
            for _, row in shown.iterrows()
        ]
        if cells:
            grid = ax.table(
                cellText=cells,
                colLabels=[
                    "Indicator",
                    "Value",
                    "95% CI",
                    "Area mapped",
                    "England",
                    "Worst 10% / note",
                ],
                loc="upper center",
                colWidths=[0.44, 0.09, 0.14, 0.11, 0.09, 0.13],
                cellLoc="left",
            )
            grid.auto_set_font_size(False)
            grid.set_fontsize(7)
            grid.scale(1, 1.25)
        else:
            ax.text(0, 1, "No indicator has a value for this area.", va="top")
        pdf.savefig(fig)
        plt.close(fig)

        fig = plt.figure(figsize=SIZES["a4"][:2])
        fig.text(
            0.06,
            0.96,
            f"{name}: who lives here (Census 2021)",
            fontsize=13,
            fontweight="bold",
            va="top",
        )
        broad = composition[composition["group_level"] == "broad"]
        if len(broad):
            ax = fig.add_axes((0.45, 0.50, 0.50, 0.18))
            ax.barh(broad["ethnic_group"], broad["share"], color="#2171b5")
            ax.set_xlabel("% of residents")
            ax.invert_yaxis()
            ax.tick_params(labelsize=7)
        _locator_map(con, fig.add_axes((0.06, 0.72, 0.30, 0.20)), code)
        gap_lines = _group_gap_lines(con, framework, code, info["level"])
        if gap_lines:
            fig.text(
                0.06, 0.45, "Gaps between ethnic groups", fontsize=11, fontweight="bold", va="top"
            )
            fig.text(
                0.06, 0.425, "\n".join(gap_lines), fontsize=7.5, va="top", family="DejaVu Sans Mono"
            )
        _footer(fig, context, 0.21, 95)
        pdf.savefig(fig)
        plt.close(fig)
        if said:
            fig = plt.figure(figsize=SIZES["a4"][:2])
            fig.text(
                0.06, 0.96, f"{name}: what people said", fontsize=13, fontweight="bold", va="top"
            )
            fig.text(
                0.06,
                0.93,
                "Approved workshop insights, anonymous, as moderated.",
                fontsize=8,
                va="top",
                color="#333333",
            )
            # Each note is set as plain text (mathtext off): markup shows as typed.
            notes = "\n\n".join(textwrap.fill(f"• {text}", 100) for text in said[:25])
            fig.text(0.06, 0.90, notes, fontsize=8, va="top")
            pdf.savefig(fig)
            plt.close(fig)
    return context


def _locator_map(con: duckdb.DuckDBPyConnection, ax, code: str) -> None:
    """The area (dark) within its district (light), so the page says where it is."""
    rows = db.query(con, "locator_shapes", code=code)
    shapes = gpd.GeoSeries.from_wkb([bytes(b) for b in rows["geometry_display_wkb"]], crs=4326)
    shapes = shapes.to_crs(27700)
    shapes.iloc[:-1].plot(ax=ax, color="#e0e0e0", edgecolor="#ffffff", linewidth=0.2)
    shapes.iloc[-1:].plot(ax=ax, color="#7f0000", edgecolor="#000000", linewidth=0.6)
    ax.set_axis_off()
    ax.set_aspect("equal")


def _group_gap_lines(con, framework: Framework, code: str, level: str) -> list[str]:
    """The IMD exposure by broad group inside the area, and stop-and-search rates."""
    lines = []
    if level != "lsoa" and "imd_score_2025" in framework.indicators:
        try:
            table = gaps.exposure(con, framework.indicators["imd_score_2025"], code)
        except gaps.GapError:
            table = None
        if table is not None:
            lines.append(
                "IMD 2025 score experienced by residents of each group (White = reference):"
            )
            lines.extend(f"  {line}" for line in textwrap.wrap(table.attrs["note"], 110))
            for row in table.itertuples():
                lines.append(
                    f"  {textwrap.shorten(row.ethnic_group, 52):52} {row.mean_value:6.1f}"
                    f"  ratio {row.ratio_to_reference:4.2f}"
                )
    if level in ("ward", "lad", "ca") and db.has_table(con, "stop_search_ethnicity"):
        table = gaps.stop_search_display(gaps.stop_search_disproportionality(con, code))
        lines.append("")
        lines.append(
            f"Stop and search ({gaps.stop_search_period(con)}), ethnicity as the person defined it:"
        )
        lines.append(
            "  searches, per 1,000 residents, ratio to White "
            "[the same adding the officer's view where the person stated none]"
        )
        officer = " (incl. officer-observed)"
        for _, row in table.iterrows():
            lines.append(
                f"  {textwrap.shorten(row['Ethnic group'], 36):36} {row['Searches']:>13}"
                f" {row['Per 1,000']:>6} {_short_ratio(row['Ratio to White']):10}"
                f" [{row[f'Searches{officer}']:>13} {row[f'Per 1,000{officer}']:>6}"
                f" {_short_ratio(row[f'Ratio to White{officer}']):10}]"
            )
        lines.append(
            f"  {gaps.FEWER_THAN}: withheld, with its rate and ratio (small numbers); no ratio "
            f"where White searches are {gaps.FEWER_THAN};"
        )
        lines.append("  not available: no self-defined category in the data loaded.")
    return lines


def _short_ratio(text: str) -> str:
    """'1.42 (1.37 to 1.47)' -> 'ratio 1.42'; '' stays ''."""
    return f"ratio {text.split(' (')[0]}" if text else ""


def gap_chart_subtitle(table: pd.DataFrame, area_name: str) -> str:
    """The subtitle of a gaps chart: the area, then the table's note (level, reference and,
    on MSOA values, what they hide), so the chart says what the table says."""
    return f"Average experienced by each group in {area_name}. {table.attrs['note']}"


def with_note(table: pd.DataFrame) -> pd.DataFrame:
    """A gaps table for CSV: its note as a last column, so the file says what the view says."""
    return table.assign(note=table.attrs["note"])


def render_chart(
    labels: list[str],
    values: list[float],
    title: str,
    subtitle: str,
    value_label: str,
    source_lines: list[str],
    out: Path,
    intervals: list[tuple[float, float]] | None = None,
    reference: float | None = None,
    today: date | None = None,
) -> None:
    """A horizontal bar chart (PNG or SVG by suffix) with the same footer as the maps:
    for the compare and gaps views. `intervals` draws 95% intervals; `reference` a line."""
    subtitle_lines = textwrap.wrap(subtitle, 130) or [""]
    extra = 0.17 * (len(subtitle_lines) - 1)  # inches for subtitle lines beyond the first
    height = max(4.5, 1.6 + 0.42 * len(labels)) + extra
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(11, height), dpi=120)
        fig.text(0.03, 0.97, title, fontsize=15, fontweight="bold", va="top")
        fig.text(
            0.03,
            0.97 - 0.55 / height,
            "\n".join(subtitle_lines),
            fontsize=10,
            va="top",
            color="#333333",
        )
        ax = fig.add_axes((0.38, 1.9 / height, 0.58, 1 - (3.0 + extra) / height))
        positions = np.arange(len(labels))
        ax.barh(positions, [0 if pd.isna(v) else v for v in values], color="#2171b5")
        if intervals:
            low = [
                v - lo if not pd.isna(lo) else 0
                for v, (lo, _) in zip(values, intervals, strict=True)
            ]
            high = [
                hi - v if not pd.isna(hi) else 0
                for v, (_, hi) in zip(values, intervals, strict=True)
            ]
            ax.errorbar(
                values,
                positions,
                xerr=[low, high],
                fmt="none",
                ecolor="#000000",
                capsize=3,
                linewidth=1,
            )
        if reference is not None:
            ax.axvline(reference, color="#000000", linestyle="--", linewidth=1)
        for y, value in zip(positions, values, strict=True):
            text = "no value" if pd.isna(value) else maps.format_value(value)
            ax.text(
                0,
                float(y),
                f" {text}",
                va="center",
                ha="left",
                fontsize=8,
                color="#ffffff" if not pd.isna(value) and value > 0 else TEXT,
            )
        ax.set_yticks(positions, [textwrap.shorten(label, 55) for label in labels], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(value_label, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        lines = [f"Exported {(today or date.today()):%d %B %Y}.", *source_lines]
        fig.text(
            0.03,
            1.2 / height,
            "\n".join(textwrap.fill(line, 160) for line in lines),
            fontsize=7,
            va="top",
            color="#333333",
        )
        fig.savefig(out, facecolor="white")
        plt.close(fig)
