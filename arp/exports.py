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
from matplotlib.patches import Patch

from arp import db, levels, map_views, maps, profile_pdf, tables, typesetting, view_state
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
    framework: str = ""  # "framework version 3": which version of the framework it shows


def view_link(
    state: view_state.ViewState,
    public_url: str,
    page: str = "",
    framework_version: int | None = None,
) -> str:
    """A link that reopens the same view in the app (with the framework version pinned,
    when given: ?fw=N)."""
    params = state.short_params()
    if framework_version:
        params = {**params, "fw": str(framework_version)}
    query = urlencode(params)
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


def _footer(fig, context: ExportContext, y: float, width_chars: int, va: str = "top"):
    lines = [f"Data: {context.period}. Exported {context.exported:%d %B %Y}."]
    if context.framework:
        lines[0] += f" {context.framework[0].upper()}{context.framework[1:]}."
    if context.caveat:
        lines.append(f"Caveat: {context.caveat}")
    lines += context.attributions
    wrapped = "\n".join(textwrap.fill(line, width_chars) for line in lines)
    return fig.text(0.03, y, wrapped, fontsize=7.5, va=va, ha="left", color="#333333", wrap=True)


def _vertical_extent(fig, artist) -> tuple[float, float]:
    """Where an artist's bottom and top edges are, as fractions of the figure's height."""
    box = artist.get_window_extent(fig.canvas.get_renderer())
    to_figure = fig.transFigure.inverted()
    return float(to_figure.transform((0, box.y0))[1]), float(to_figure.transform((0, box.y1))[1])


def render_map(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: view_state.ViewState,
    scenario: Scenario,
    out: Path,
    size: str = "slide",
    public_url: str = PUBLIC_URL_DEFAULT,
    today: date | None = None,
    view: map_views.MapView | None = None,
) -> ExportContext:
    """Render the map of `state` (as `view` colours it, if the caller has it: the
    robustness or rank-change colouring) to PNG or SVG (by the file's suffix)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    if view is None:
        view = map_views.view_for(con, framework, state, scenario)
    within_facts = db.query(con, "area_facts", code=state.within)
    within = within_facts["name"].tolist() or None
    subtitle = f"{levels.LABELS[state.level]} in {within[0] if within else state.within}"
    if state.show.is_composite:
        subtitle += f" · weights: {scenario.name}"
    subtitle += map_views.compared_with(view)
    context = ExportContext(
        title=view.title,
        subtitle=f"{subtitle} · {view.unit}",
        attributions=attributions(con, sources_of(framework, state.show)),
        period=view.period,
        caveat=" ".join(text for text in (view.caveats, view.weights_note) if text),
        link=view_link(state, public_url, framework_version=framework.version),
        exported=today or date.today(),
        framework=framework.version_label if framework.version else "",
    )
    frame = view.frame
    classes, colours = maps.coloured_classes(
        frame["value"], state.scheme, view.scale, view.polarity, view.kind
    )
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
        legend = ax.legend(
            handles=handles,
            title=textwrap.fill(
                f"{view.unit} · "
                + maps.direction_words(view.polarity, view.kind, view.title, view.unit, view.scale),
                28,
            ),
            loc="upper left",
            bbox_to_anchor=legend_anchor,
            frameon=True,
            fontsize=9,
            title_fontsize=9,
            ncol=1 if not portrait else 3,
        )
        # The link at the foot, the sources above it (as many lines as they take), and the
        # map (with a legend under it, in portrait) raised clear of them: a composite names
        # ten sources, and an image that travels must show every one.
        link_text = textwrap.fill(
            f"Open this view: {context.link}", 120 if not portrait else 80, break_long_words=True
        )
        link = fig.text(0.03, 0.012, link_text, fontsize=6.5, color="#333333", va="bottom")
        footer = _footer(
            fig,
            context,
            _vertical_extent(fig, link)[1] + 0.008,
            150 if not portrait else 110,
            va="bottom",
        )
        clear_of = _vertical_extent(fig, footer)[1] + 0.015
        lowest = _vertical_extent(fig, legend)[0] if portrait else map_box[1]
        if lowest < clear_of:
            left, bottom, box_width, box_height = map_box
            raise_by = clear_of - lowest
            ax.set_position((left, bottom + raise_by, box_width, box_height - raise_by))
        qr = fig.add_axes(
            (0.86, 0.02, 0.11, 0.11 * width / height)
            if not portrait
            else (0.80, 0.015, 0.17, 0.17 * width / height)
        )
        _qr(qr, context.link)
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
) -> profile_pdf.ProfileDocument:
    """An A4 PDF for one area (arp.profile_pdf): its indicators with unit, period and source,
    its people, gaps, what people said, the sources, page numbers and a QR link back."""
    link = view_link(view_state.ViewState(area=code), public_url, "area_profile", framework.version)
    document = profile_pdf.profile_document(
        con, framework, code, link, today or date.today(), said or []
    )
    with plt.rc_context(STYLE):
        figures = profile_pdf.profile_figures(con, framework, document)
        profile_pdf.write(figures, out, f"Area profile: {document.name}")
    return document


def gap_chart_subtitle(table: pd.DataFrame, area_name: str) -> str:
    """The subtitle of a gaps chart: the area, then the table's note (level, reference and,
    on MSOA values, what they hide), so the chart says what the table says."""
    return f"Average experienced by each group in {area_name}. {table.attrs['note']}"


def with_note(table: pd.DataFrame) -> pd.DataFrame:
    """A gaps table for CSV: its note as a last column, so the file says what the view says."""
    return table.assign(note=table.attrs["note"])


# A chart's group labels wrap at this many characters: "Black, Black British, Black Welsh,
# Caribbean or African: Caribbean" takes two lines and is never cut.
CHART_LABEL_CHARS = 34
CHART_WIDTH_IN = 11.0


def chart_figure(
    labels: list[str],
    values: list[float],
    title: str,
    subtitle: str,
    value_label: str,
    source_lines: list[str],
    intervals: list[tuple[float, float]] | None = None,
    reference: float | None = None,
    today: date | None = None,
    *,
    period: str = "",
    link: str = "",
    direction: str = "",
    reference_label: str = "",
):
    """The figure of render_chart, open (the caller saves and closes it): horizontal bars,
    one per label, every label whole (wrapped onto lines), the value axis labelled with the
    unit and which way is worse, the period, sources, export date and a link with QR code."""
    wrapped = ["\n".join(typesetting.wrap(label, CHART_LABEL_CHARS)) for label in labels]
    lines_per_bar = [label.count("\n") + 1 for label in wrapped]
    slots = [max(0.42, 0.15 * n + 0.16) for n in lines_per_bar]  # inches per bar
    subtitle_lines = typesetting.wrap(subtitle, 130) if subtitle else []
    heading_in = 0.55 + 0.19 * len(subtitle_lines) + (0.19 if period else 0)
    footer_lines = [
        *(
            typesetting.wrap(line, 150)
            for line in [f"Exported {(today or date.today()):%d %B %Y}.", *source_lines]
        ),
    ]
    footer_text = "\n".join(line for block in footer_lines for line in block)
    footer_in = 0.5 + 0.13 * footer_text.count("\n") + (0.3 if link else 0)
    axis_label_in = 0.55
    plot_in = max(1.5, sum(slots))
    height = heading_in + plot_in + axis_label_in + footer_in + 0.2
    fig = plt.figure(figsize=(CHART_WIDTH_IN, height), dpi=120)
    top = 1 - 0.25 / height
    fig.text(
        0.03,
        top,
        title,
        fontsize=15,
        fontweight="bold",
        va="top",
        family=typesetting.families(title),
    )
    y = top - 0.42 / height
    if subtitle_lines:
        fig.text(0.03, y, "\n".join(subtitle_lines), fontsize=10, va="top", color="#333333")
        y -= 0.19 * len(subtitle_lines) / height
    if period:
        fig.text(0.03, y, f"Period: {period}", fontsize=10, va="top", color="#333333")
    bottom_in = footer_in + axis_label_in
    ax = fig.add_axes((0.3, bottom_in / height, 0.66, plot_in / height))
    centres = np.cumsum(slots) - np.array(slots) / 2
    known = [0.0 if pd.isna(v) else float(v) for v in values]
    ax.barh(centres, known, height=[min(0.32, s * 0.7) for s in slots], color="#2171b5")
    ends = list(known)
    if intervals:
        low = [
            v - lo if not pd.isna(lo) else 0 for v, (lo, _) in zip(known, intervals, strict=True)
        ]
        high = [
            hi - v if not pd.isna(hi) else 0 for v, (_, hi) in zip(known, intervals, strict=True)
        ]
        ax.errorbar(
            known, centres, xerr=[low, high], fmt="none", ecolor="#000000", capsize=3, linewidth=1
        )
        ends = [v + h for v, h in zip(known, high, strict=True)]
    span = max([*ends, reference or 0, 0]) or 1.0
    if reference is not None:
        ax.axvline(reference, color="#000000", linestyle="--", linewidth=1)
        if reference_label:
            ax.text(
                reference,
                1.0,
                f" {reference_label}: {maps.format_value(reference)}",
                fontsize=8,
                va="bottom",
                ha="left",
                transform=ax.get_xaxis_transform(),
            )
    for centre, value, end in zip(centres, values, ends, strict=True):
        text = "no value" if pd.isna(value) else maps.format_value(value)
        ax.text(
            max(end, 0) + span * 0.01,
            float(centre),
            text,
            va="center",
            ha="left",
            fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},  # over the line
        )
    ax.set_xlim(min([0.0, *known]), span * 1.12)  # room for the value beside the longest bar
    ax.set_ylim(max(float(sum(slots)), 0.42), 0)  # first label at the top
    ax.set_yticks(centres, wrapped, fontsize=8)
    for tick in ax.get_yticklabels():
        tick.set_fontfamily(typesetting.families(tick.get_text()))
    ax.set_xlabel(f"{value_label} ({direction})" if direction else value_label, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    # The labels' column is as wide as the widest label, measured as drawn.
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg's canvas
    widest = max((t.get_window_extent(renderer).width for t in ax.get_yticklabels()), default=0)
    left = (widest / fig.dpi + 0.35) / CHART_WIDTH_IN
    ax.set_position((left, bottom_in / height, 0.96 - left, plot_in / height))
    fig.text(0.03, (footer_in - 0.15) / height, footer_text, fontsize=7, va="top", color="#333333")
    if link:
        fig.text(
            0.03, 0.12 / height, f"Open this view: {link}", fontsize=7, color="#333333", va="bottom"
        )
        qr_in = min(0.9, footer_in - 0.1)
        qr = fig.add_axes(
            (
                (CHART_WIDTH_IN - 0.25 - qr_in) / CHART_WIDTH_IN,
                0.08 / height,
                qr_in / CHART_WIDTH_IN,
                qr_in / height,
            )
        )
        _qr(qr, link)
    return fig


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
    *,
    period: str = "",
    link: str = "",
    direction: str = "",
    reference_label: str = "",
) -> None:
    """A horizontal bar chart (PNG or SVG by suffix) with the same footer as the maps:
    for the compare and gaps views. `intervals` draws 95% intervals; `reference` a line;
    the rest: see chart_figure."""
    with plt.rc_context(STYLE):
        fig = chart_figure(
            labels,
            values,
            title,
            subtitle,
            value_label,
            source_lines,
            intervals,
            reference,
            today,
            period=period,
            link=link,
            direction=direction,
            reference_label=reference_label,
        )
        fig.savefig(out, facecolor="white")
        plt.close(fig)
