"""The area profile as an A4 PDF that stands alone: every indicator with its unit, period
and numbered source; who lives here; gaps between groups; what people said (in full,
right-to-left scripts shaped and set right to left); the sources; and on every page the
export date, a link back (with a QR code on the first) and "Page N of M".

`profile_document` gathers what the pages say (plain data, tested without drawing);
`profile_figures` lays it out on pages; `render_profile` writes the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # files only: no display on a server
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import segno
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from arp import db, gaps, maps, typesetting
from arp.framework import Framework, Indicator
from arp.indicators import ENGLAND
from arp.map_views import is_true

PAGE_W, PAGE_H = 8.27, 11.69  # A4, inches
MARGIN = 0.55
CONTENT_TOP = 0.6
CONTENT_BOTTOM = PAGE_H - 0.85  # the footer sits below
TEXT = "#1a1a1a"
GREY = "#4d4d4d"
RULE = "#bdbdbd"
# A PDF stays a handful of pages: beyond this many notes it says how many it shows.
MAX_NOTES = 40
SUPPRESSION_RULE = (
    "Values resting on fewer than 10 counted, or on fewer than 50 people, are suppressed."
)
BOUNDARY_SOURCES = ("lsoa21_boundaries", "msoa21_boundaries", "ward25_boundaries", "msoa_names")


@dataclass(frozen=True)
class Source:
    number: int
    source_id: str
    title: str
    publisher: str
    licence: str
    attribution: str
    landing_page: str


@dataclass(frozen=True)
class Row:
    """One indicator for the area, every word a reader needs beside its number."""

    domain: str
    indicator_id: str
    title: str
    value: str
    interval: str
    unit: str
    period: str
    benchmark: str
    england: str
    worst: str
    note: str
    sources: tuple[int, ...]

    @property
    def about(self) -> str:
        """The row's second line: unit, period and sources."""
        cited = ", ".join(str(n) for n in self.sources) or "none loaded"
        label = "Source" if len(self.sources) == 1 else "Sources"
        return f"Unit: {self.unit} · Period: {self.period} · {label}: {cited}"


@dataclass
class ProfileDocument:
    code: str
    name: str
    subtitle: str
    link: str
    exported: date
    benchmark_name: str
    rows: list[Row]
    sources: list[Source]
    notes: list[str]  # the notes shown, in full
    notes_total: int
    level: str
    composition: pd.DataFrame = field(default_factory=pd.DataFrame)
    composition_sources: tuple[int, ...] = ()
    stop_search_period: str | None = None

    @property
    def notes_line(self) -> str:
        if self.notes_total == 0:
            return "No approved workshop note here yet."
        if len(self.notes) < self.notes_total:
            return (
                f"{len(self.notes)} of {self.notes_total} notes shown (the first "
                f"{len(self.notes)} approved); all of them are on this profile in the app."
            )
        return f"All {self.notes_total} approved notes, in full."


def with_unit(value: float | None, unit: str, scale: str = "continuous") -> str:
    """A value with the short form of its unit where there is one: 34.1%, 0.40 km; a
    published decile as the whole number it is."""
    text = maps.format_value(value)
    if value is None or pd.isna(value):
        return text
    if scale == "decile":
        return f"decile {int(value)}"
    if unit.startswith("%"):
        return f"{text}%"
    if unit in ("km", "years"):
        return f"{text} {unit}"
    return text


class _Citations:
    """Sources numbered in the order the document first cites them."""

    def __init__(self, loaded: pd.DataFrame):
        self.loaded = loaded.set_index("source_id") if len(loaded) else loaded
        self.numbers: dict[str, int] = {}

    def cite(self, entries: Sequence[str]) -> tuple[int, ...]:
        """Numbers for source entries ('a|b': whichever of a and b is loaded)."""
        cited = []
        for entry in entries:
            for source_id in entry.split("|"):
                if source_id in self.loaded.index:
                    number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
                    if number not in cited:
                        cited.append(number)
        return tuple(cited)

    def listing(self) -> list[Source]:
        return [
            Source(
                number,
                source_id,
                str(self.loaded.at[source_id, "title"]),
                str(self.loaded.at[source_id, "publisher"]),
                str(self.loaded.at[source_id, "licence"]),
                str(self.loaded.at[source_id, "attribution"]),
                str(self.loaded.at[source_id, "landing_page"] or ""),
            )
            for source_id, number in sorted(self.numbers.items(), key=lambda item: item[1])
        ]


def _period(indicator: Indicator, stop_search_period: str | None) -> str:
    if stop_search_period and any("stop_search_wmp" in e for e in indicator.sources):
        return f"police.uk data, {stop_search_period}"
    return indicator.period


def profile_document(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    code: str,
    link: str,
    exported: date,
    said: Sequence[str] = (),
) -> ProfileDocument:
    """What the profile PDF of `code` says. Raises KeyError for an unknown code."""
    facts = db.query(con, "area_facts", code=code)
    if facts.empty:
        raise KeyError(code)
    info = facts.iloc[0].to_dict()
    name = f"{info['name_hcl']} ({info['name']})" if info.get("name_hcl") else info["name"]
    benchmark = info["ca_code"] or info["lad_code"]
    benchmark_facts = db.query(con, "area_facts", code=benchmark)
    benchmark_name = benchmark_facts["name"].iloc[0] if len(benchmark_facts) else "Area mapped"
    district = db.query(con, "area_facts", code=info["lad_code"]) if info["lad_code"] else None
    where = ""
    if district is not None and len(district) and info["lad_code"] != code:
        where = f" in {district['name'].iloc[0]}"
    words = {"lsoa": "LSOA", "msoa": "MSOA", "ward": "Ward", "lad": "District", "ca": "Area"}
    subtitle = f"{words.get(info['level'], info['level'])} {code}{where} · area profile"

    citations = _Citations(db.query(con, "sources_loaded"))
    period = gaps.stop_search_period(con) if db.has_table(con, "stop_search_events") else None
    values = db.query(con, "area_indicators", code=code, benchmark=benchmark, england=ENGLAND)
    values = values.set_index("indicator_id")
    rows = []
    # Grouped by domain, in the framework's order: a domain's heading comes once.
    in_order = [i for domain in framework.domains for i in framework.in_domain(domain)]
    for indicator in in_order:
        if indicator.id not in values.index:
            continue
        v = values.loc[indicator.id]
        suppressed = is_true(v["suppressed"])
        interval = ""
        if not suppressed and not pd.isna(v["ci_low"]):
            interval = f"{maps.format_value(v['ci_low'])} to {maps.format_value(v['ci_high'])}"
        worst = ""
        if is_true(v["flag_worst10_wmca"]):
            worst = "⚑ yes (decile 1)" if indicator.scale == "decile" else "⚑ yes"
        reason = v["suppression_reason"]
        rows.append(
            Row(
                domain=framework.domains[indicator.domain].title,
                indicator_id=indicator.id,
                title=indicator.title,
                value="suppressed"
                if suppressed
                else with_unit(v["value"], indicator.unit, indicator.scale),
                interval=interval,
                unit=indicator.unit,
                period=_period(indicator, period),
                benchmark=with_unit(v["benchmark_value"], indicator.unit, indicator.scale),
                england=with_unit(v["england_value"], indicator.unit, indicator.scale)
                if indicator.coverage == "england"
                else "not covered",
                worst=worst,
                note=reason if isinstance(reason, str) else "",
                sources=citations.cite(indicator.sources),
            )
        )
    composition = db.query(con, "ethnic_composition", code=code)
    detailed = "census_ts021_msoa" if (composition["group_level"] == "detailed").any() else ""
    composition_sources = citations.cite(
        ["census_ts021_lsoa", detailed] if detailed else ["census_ts021_lsoa"]
    )
    if info["level"] in ("ward", "lad", "ca"):
        citations.cite(["stop_search_wmp"])
    citations.cite(BOUNDARY_SOURCES)
    notes = [str(text) for text in said]
    return ProfileDocument(
        code=code,
        name=name,
        subtitle=subtitle,
        link=link,
        exported=exported,
        benchmark_name=benchmark_name,
        rows=rows,
        sources=citations.listing(),
        notes=notes[:MAX_NOTES],
        notes_total=len(notes),
        level=info["level"],
        composition=composition,
        composition_sources=composition_sources,
        stop_search_period=period,
    )


# --- laying out pages ---------------------------------------------------------------------


def _chars(width_in: float, size: float) -> int:
    """About how many characters of DejaVu Sans at `size` points fit in `width_in`."""
    return max(8, int(width_in * 72 / (0.56 * size)))


def _line(size: float) -> float:
    return size * 1.32 / 72  # inches from one line to the next


@dataclass(frozen=True)
class Column:
    x: float  # inches from the left edge
    width: float
    heading: str
    align: str = "left"


@dataclass(frozen=True)
class Cell:
    text: str
    size: float = 7.5
    colour: str = TEXT
    weight: str = "normal"


class Pages:
    """A4 pages filled top to bottom; a block that does not fit starts a new page."""

    def __init__(self, running_title: str):
        self.running_title = running_title
        self.figures: list[Figure] = []
        self.y = CONTENT_TOP
        self.new_page()

    def new_page(self) -> None:
        self.figures.append(plt.figure(figsize=(PAGE_W, PAGE_H)))
        self.y = CONTENT_TOP
        if len(self.figures) > 1:
            self.text(MARGIN, 0.3, self.running_title, size=7.5, colour=GREY)

    @property
    def fig(self) -> Figure:
        return self.figures[-1]

    def room(self, height: float) -> None:
        if self.y + height > CONTENT_BOTTOM and self.y > CONTENT_TOP + 0.3:
            self.new_page()

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 8,
        colour: str = TEXT,
        weight: str = "normal",
        align: str = "left",
    ) -> None:
        """Text with its top at (x, y) inches from the top left; RTL lines set right to
        left by the shaper, in a font that has their letters."""
        self.fig.text(
            x / PAGE_W,
            1 - y / PAGE_H,
            text,
            fontsize=size,
            color=colour,
            fontweight=weight,
            va="top",
            ha=align,
            family=typesetting.families(text),
        )

    def paragraph(self, text: str, size: float = 8, colour: str = TEXT, gap: float = 0.08):
        """Wrapped across the text width; a right-to-left paragraph is set flush right."""
        width = PAGE_W - 2 * MARGIN
        lines = typesetting.wrap(text, _chars(width, size))
        height = len(lines) * _line(size)
        self.room(height)
        rtl = typesetting.is_right_to_left(text)
        x, align = (PAGE_W - MARGIN, "right") if rtl else (MARGIN, "left")
        for i, line in enumerate(lines):
            self.text(x, self.y + i * _line(size), line, size, colour, align=align)
        self.y += height + gap

    def heading(self, text: str, size: float = 12, keep_with: float = 0.6) -> None:
        self.room(_line(size) + keep_with)
        self.y += 0.08
        self.text(MARGIN, self.y, text, size, weight="bold")
        self.y += _line(size) + 0.06

    def rule(self, colour: str = RULE) -> None:
        y = 1 - self.y / PAGE_H
        self.fig.add_artist(
            plt.Line2D([MARGIN / PAGE_W, 1 - MARGIN / PAGE_W], [y, y], color=colour, linewidth=0.5)
        )

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Sequence[Cell]] | str],
        size: float = 7.5,
    ) -> None:
        """Rows of cells (each a stack of wrapped texts), every text whole; a str row is a
        group heading. The column headings repeat on each page the table reaches."""

        def layout(stack: Sequence[Cell], column: Column) -> list[tuple[str, Cell]]:
            return [
                (line, cell)
                for cell in stack
                for line in typesetting.wrap(cell.text, _chars(column.width, cell.size))
                if cell.text
            ]

        def draw_headings() -> None:
            laid = [layout([Cell(c.heading, 7, GREY, "bold")], c) for c in columns]
            depth = max(len(lines) for lines in laid) * _line(7)
            for column, lines in zip(columns, laid, strict=True):
                self._stack(column, lines, self.y)
            self.y += depth + 0.04
            self.rule(GREY)
            self.y += 0.05

        def draw_group(text: str) -> None:
            self.y += 0.04
            self.text(MARGIN, self.y, text, 8.5, weight="bold")
            self.y += _line(8.5) + 0.02

        self.room(1.0)
        draw_headings()
        group = None
        for row in rows:
            if isinstance(row, str):
                if self.y + 0.6 > CONTENT_BOTTOM:
                    self.new_page()
                    draw_headings()
                draw_group(row)
                group = row
                continue
            laid = [layout(stack, column) for stack, column in zip(row, columns, strict=True)]
            depth = max(sum(_line(cell.size) for _, cell in lines) for lines in laid)
            if self.y + depth > CONTENT_BOTTOM:
                self.new_page()
                draw_headings()
                if group:  # a page that opens mid-group says which group it is
                    draw_group(f"{group} (continued)")
            for column, lines in zip(columns, laid, strict=True):
                self._stack(column, lines, self.y)
            self.y += depth + 0.05
            self.rule()
            self.y += 0.04

    def _stack(self, column: Column, lines: list[tuple[str, Cell]], top: float) -> None:
        x = column.x + column.width if column.align == "right" else column.x
        y = top
        for line, cell in lines:
            self.text(x, y, line, cell.size, cell.colour, cell.weight, column.align)
            y += _line(cell.size)

    def axes(self, x: float, width: float, height: float):
        """Axes for a drawing at the cursor (inches), the cursor moved below it."""
        self.room(height)
        return self.fig.add_axes(
            (x / PAGE_W, 1 - (self.y + height) / PAGE_H, width / PAGE_W, height / PAGE_H)
        )

    def finish(self, footer: str, link: str) -> None:
        """Footer on every page: what, when, the link back, and Page N of M."""
        total = len(self.figures)
        for number, fig in enumerate(self.figures, start=1):
            for y, text, align, x in (
                (PAGE_H - 0.62, footer, "left", MARGIN),
                (PAGE_H - 0.62, f"Page {number} of {total}", "right", PAGE_W - MARGIN),
                (PAGE_H - 0.45, f"Open this profile in the app: {link}", "left", MARGIN),
            ):
                fig.text(
                    x / PAGE_W, 1 - y / PAGE_H, text, fontsize=7, color=GREY, va="top", ha=align
                )


def _qr(ax, link: str) -> None:
    matrix = np.array(segno.make(link, error="m").matrix, dtype=float)
    ax.imshow(1 - matrix, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.set_axis_off()


def _cell(text: str, size: float = 7.5, colour: str = TEXT, weight: str = "normal") -> Cell:
    return Cell(text, size, colour, weight)


def indicator_table(pages: Pages, document: ProfileDocument) -> None:
    left = MARGIN
    columns = [
        Column(left, 3.2, "Indicator (unit · period · source)"),
        Column(left + 3.3, 1.05, "Value here (95% interval)", "right"),
        Column(left + 4.45, 0.85, document.benchmark_name, "right"),
        Column(left + 5.4, 0.65, "England", "right"),
        Column(left + 6.15, 1.0, "Worst 10% of areas mapped / note"),
    ]
    grouped: list[Sequence[Sequence[Cell]] | str] = []
    domain = None
    for row in document.rows:
        if row.domain != domain:
            grouped.append(row.domain)
            domain = row.domain
        grouped.append(
            [
                [_cell(row.title), _cell(row.about, 6.5, GREY)],
                [_cell(row.value), _cell(row.interval, 6.5, GREY)],
                [_cell(row.benchmark)],
                [_cell(row.england)],
                [_cell(row.worst, weight="bold"), _cell(row.note, 6.5, GREY)],
            ]
        )
    if document.rows:
        pages.table(columns, grouped)
    else:
        pages.paragraph("No indicator has a value for this area.")


def _locator_map(con: duckdb.DuckDBPyConnection, ax, code: str) -> None:
    """The area (dark) within its district (light), so the page says where it is."""
    rows = db.query(con, "locator_shapes", code=code)
    shapes = gpd.GeoSeries.from_wkb([bytes(b) for b in rows["geometry_display_wkb"]], crs=4326)
    shapes = shapes.to_crs(27700)
    shapes.iloc[:-1].plot(ax=ax, color="#e0e0e0", edgecolor="#ffffff", linewidth=0.2)
    shapes.iloc[-1:].plot(ax=ax, color="#7f0000", edgecolor="#000000", linewidth=0.6)
    ax.set_axis_off()
    ax.set_aspect("equal")


def people_section(pages: Pages, con: duckdb.DuckDBPyConnection, document: ProfileDocument) -> None:
    cited = ", ".join(str(n) for n in document.composition_sources)
    pages.heading("Who lives here", keep_with=2.6)
    pages.paragraph(
        f"Residents by ethnic group, Census 2021 (Source {cited}). The map shows the area "
        "(dark red) within its district.",
        7.5,
        GREY,
    )
    top = pages.y
    _locator_map(con, pages.axes(MARGIN, 2.2, 2.2), document.code)
    broad = document.composition[document.composition["group_level"] == "broad"]
    if len(broad):
        pages.y = top
        ax = pages.axes(MARGIN + 4.3, PAGE_W - 2 * MARGIN - 4.3, 1.9)
        labels = ["\n".join(typesetting.wrap(g, 30)) for g in broad["ethnic_group"]]
        ax.barh(range(len(broad)), broad["share"], color="#2171b5")
        ax.set_yticks(range(len(broad)), labels, fontsize=6.5)
        ax.invert_yaxis()
        ax.set_xlabel("% of residents", fontsize=7)
        ax.tick_params(axis="x", labelsize=6.5)
        ax.spines[["top", "right"]].set_visible(False)
        for y, share in enumerate(broad["share"]):
            ax.text(share, y, f" {share:.1f}%", va="center", fontsize=6.5)
        ax.set_xlim(0, max(broad["share"].max() * 1.25, 1))
    pages.y = top + 2.35
    if len(document.composition):
        rows = [
            [
                [_cell(row.ethnic_group)],
                [_cell("broad group" if row.group_level == "broad" else "detailed group")],
                [_cell(f"{int(row.residents):,}")],
                [_cell(f"{row.share:.1f}%")],
            ]
            for row in document.composition.itertuples()
        ]
        pages.table(
            [
                Column(MARGIN, 4.2, "Ethnic group (Census 2021)"),
                Column(MARGIN + 4.3, 1.2, "Level"),
                Column(MARGIN + 5.5, 0.8, "Residents", "right"),
                Column(MARGIN + 6.4, 0.7, "Share", "right"),
            ],
            rows,
        )


def gaps_section(
    pages: Pages, con: duckdb.DuckDBPyConnection, framework: Framework, document: ProfileDocument
) -> None:
    """The IMD score each broad group experiences inside the area, and stop and search by
    ethnic group, as tables with every group's name whole."""
    exposure = None
    if document.level != "lsoa" and "imd_score_2025" in framework.indicators:
        try:
            exposure = gaps.exposure(con, framework.indicators["imd_score_2025"], document.code)
        except gaps.GapError:
            exposure = None
    stop = None
    if document.level in ("ward", "lad", "ca") and db.has_table(con, "stop_search_ethnicity"):
        stop = gaps.stop_search_display(gaps.stop_search_disproportionality(con, document.code))
    if exposure is None and stop is None:
        return
    pages.heading("Gaps between ethnic groups")
    if exposure is not None:
        imd = framework.indicators["imd_score_2025"]
        pages.paragraph(
            f"{imd.title} experienced by residents of each group: the average over the "
            f"neighbourhoods they live in, weighted by how many of the group live in each "
            f"(unit: {imd.unit}; higher = more deprived; period: {imd.period}). "
            f"{exposure.attrs['note']}",
            7.5,
            GREY,
        )
        pages.table(
            [
                Column(MARGIN, 3.6, "Ethnic group"),
                Column(MARGIN + 3.7, 1.0, "Residents", "right"),
                Column(MARGIN + 4.8, 1.1, "Average score", "right"),
                Column(
                    MARGIN + 6.0, 1.15, f"Ratio to {exposure.attrs['reference_group']}", "right"
                ),
            ],
            [
                [
                    [_cell(row.ethnic_group)],
                    [_cell(f"{int(row.residents):,}")],
                    [_cell(f"{row.mean_value:.1f}")],
                    [_cell(f"{row.ratio_to_reference:.2f}")],
                ]
                for row in exposure.itertuples()
            ],
        )
    if stop is not None:
        pages.y += 0.1
        pages.paragraph(
            f"Stop and search (police.uk data, {document.stop_search_period}), by "
            "ethnicity as the person defined it; in brackets, the same counting the officer's "
            f"view where the person stated none. Unit: searches, and searches per 1,000 "
            f"residents (Census 2021). {gaps.FEWER_THAN}: withheld, with its rate and ratio "
            f"(small numbers).",
            7.5,
            GREY,
        )
        officer = " (incl. officer-observed)"
        pages.table(
            [
                Column(MARGIN, 2.6, "Ethnic group (self-defined)"),
                Column(MARGIN + 2.7, 0.9, "Searches", "right"),
                Column(MARGIN + 3.7, 0.7, "Per 1,000", "right"),
                Column(MARGIN + 4.5, 1.3, "Ratio to White (95% interval)"),
                Column(MARGIN + 5.9, 1.25, "[searches, per 1,000, incl. officer-observed]"),
            ],
            [
                [
                    [_cell(str(row["Ethnic group"]))],
                    [_cell(str(row["Searches"]))],
                    [_cell(str(row["Per 1,000"]))],
                    [_cell(str(row["Ratio to White"])), _cell(str(row["Why withheld"]), 6.5, GREY)],
                    [
                        _cell(
                            f"[{row[f'Searches{officer}']}, {row[f'Per 1,000{officer}']}]".replace(
                                ", ]", "]"
                            )
                        )
                    ],
                ]
                for _, row in stop.iterrows()
            ],
        )


def notes_section(pages: Pages, document: ProfileDocument) -> None:
    pages.heading("What people said")
    pages.paragraph(
        "Approved workshop notes, anonymous, as moderated, each in full. " + document.notes_line,
        7.5,
        GREY,
    )
    for note in document.notes:
        # Each note is plain text (mathtext off): markup shows as typed.
        pages.paragraph(note, 8.5, gap=0.14)


def sources_section(pages: Pages, document: ProfileDocument) -> None:
    pages.new_page()
    pages.heading("Sources")
    pages.paragraph(
        "The numbers in the tables refer to this list. " + SUPPRESSION_RULE + " Worst 10%: "
        f"among the tenth of areas in {document.benchmark_name} with the worst values (for a "
        "published decile, England's most deprived tenth).",
        7.5,
        GREY,
    )
    for source in document.sources:
        pages.paragraph(f"{source.number}. {source.title}", 8.5, gap=0.02)
        pages.paragraph(
            f"{source.publisher}. {source.licence}. {source.attribution}", 7.5, GREY, gap=0.02
        )
        if source.landing_page:
            pages.paragraph(source.landing_page, 7, GREY, gap=0.12)


def profile_figures(
    con: duckdb.DuckDBPyConnection, framework: Framework, document: ProfileDocument
) -> list[Figure]:
    """The pages of the profile, open (the caller saves and closes them)."""
    pages = Pages(f"{document.name} · area profile (continued)")
    pages.text(MARGIN, 0.5, document.name, 18, weight="bold")
    pages.text(MARGIN, 0.5 + _line(18), document.subtitle, 10, GREY)
    pages.text(
        MARGIN,
        0.5 + _line(18) + _line(10),
        f"Exported {document.exported:%d %B %Y} · {framework.version_label}",
        8,
        GREY,
    )
    qr_in = 1.0
    qr = pages.fig.add_axes(
        (
            (PAGE_W - MARGIN - qr_in) / PAGE_W,
            1 - (0.4 + qr_in) / PAGE_H,
            qr_in / PAGE_W,
            qr_in / PAGE_H,
        )
    )
    _qr(qr, document.link)
    pages.text(PAGE_W - MARGIN, 0.42 + qr_in, "Scan to open in the app", 6.5, GREY, align="right")
    pages.y = 0.5 + _line(18) + _line(10) + _line(8) + 0.1
    for line in typesetting.wrap(document.link, 80):
        pages.text(MARGIN, pages.y, line, 7.5, GREY)
        pages.y += _line(7.5)
    pages.y = max(pages.y, 0.55 + qr_in) + 0.12
    pages.paragraph(
        "How to read this: each row gives the value here with its unit, the period the data "
        f"describe and its sources (numbered, listed under Sources at the end), beside "
        f"{document.benchmark_name} and England. {SUPPRESSION_RULE}",
        7.5,
        GREY,
    )
    pages.heading("Indicators")
    indicator_table(pages, document)
    people_section(pages, con, document)
    gaps_section(pages, con, framework, document)
    notes_section(pages, document)
    sources_section(pages, document)
    pages.finish(
        f"{document.name} · area profile · exported {document.exported:%d %B %Y}", document.link
    )
    return pages.figures


def write(figures: list[Figure], out: Path, title: str) -> None:
    with PdfPages(out, metadata={"Title": title}) as pdf:
        for fig in figures:
            pdf.savefig(fig)
            plt.close(fig)
