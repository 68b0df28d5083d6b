"""Vega-Lite specifications for the pages' charts, as plain dicts (the pages draw them with
st.vega_lite_chart, the library st.bar_chart uses): spine charts and labelled bars.

Every label is written on lines of its own above its row, wrapped to a phone's width, so
none is cut off however narrow the screen: Vega-Lite's axis labels are cut, not wrapped.
Rows are laid out here in pixels (a y scale of one unit a pixel)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd

# Characters a line: a 390 px phone (340 px of chart) holds about 58 of a 13 px bold
# title, 72 at 12 px (measured in Chromium with Streamlit's font).
WRAP = 54
DETAIL_WRAP = 68
LINE = 16  # px a line of text
BAR = 20  # px the spine or bar
GAP = 14  # px between rows
TITLE_SIZE = 13
DETAIL_SIZE = 12
X_PAD = 0.03  # the spine's ends stand this far inside the chart's

NOT_PUBLISHED = "not published"  # profiles.spine_rows' word for a benchmark with no value
TESTED = ("worse", "better", "similar", "higher", "lower")  # said under the spine
# What a spine's marks mean, said once above the charts.
SPINE_KEY = (
    "● the area (its line: the 95% interval) · ▮ the region · ◆ England · light grey: the "
    "range of the areas of its level in the region, darker grey: their middle half. Worse "
    "is to the left.  \n"
    "The dot is orange where the area is worse than England (or than the region, where "
    "England has no value) beyond its interval, blue where it is better, purple where it is "
    "higher or lower on a measure where neither is worse, and white where the interval "
    "includes the reference or there is no interval."
)
# A spine's marks.
RANGE_COLOUR = "#e3e3e3"  # the range of areas
MIDDLE_COLOUR = "#b5b5b5"  # their middle half
INTERVAL_COLOUR = "#1f1f1f"
# The area's dot, by compared(): worse and better in two hues that stay apart for the
# common colour-vision deficiencies; the words beside each row say the same.
MARKER_COLOURS = {
    "worse": "#d95f02",
    "better": "#1f78b4",
    "similar": "#ffffff",
    "higher": "#7570b3",
    "lower": "#7570b3",
    "no interval": "#ffffff",
    "no reference": "#ffffff",
    "no value": "#ffffff",
}


def wrap(text: str, width: int = WRAP) -> str:
    """Lines of at most `width` characters joined by newlines (the text marks break there)."""
    return "\n".join(textwrap.wrap(str(text), width)) or " "


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _clean(value):
    """A JSON value: NaN and NA become null, numpy scalars plain numbers."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if not isinstance(value, str) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _y(field: str, height: int) -> dict:
    return {
        "field": field,
        "type": "quantitative",
        "scale": {"domain": [0, height], "range": [0, height], "nice": False, "zero": False},
        "axis": None,
    }


def _at(value: float) -> dict:
    """A fixed place on a scale. Without `axis: None` beside the other layers' (which draw
    no axis), Vega-Lite 6 fails to merge the layers' axes and the chart stays blank."""
    return {"datum": value, "type": "quantitative", "axis": None}


def _x(field: str, domain: Sequence[float], axis: dict | None = None) -> dict:
    return {
        "field": field,
        "type": "quantitative",
        "scale": {"domain": list(domain), "nice": False, "zero": False},
        "axis": axis,
    }


def _text(field: str, y: str, height: int, x: float, size: int, **mark) -> dict:
    return {
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "top",
            "lineBreak": "\n",
            "lineHeight": LINE,
            "fontSize": size,
            **mark,
        },
        "encoding": {
            "x": _at(x),
            "y": _y(y, height),
            "text": {"field": field},
        },
    }


def worst_tenth_words(row: pd.Series) -> str:
    """An area's worst-tenth flag in words and a symbol (never colour alone): England's
    tenth where England ranks it, else the region's."""

    def flagged(column: str) -> bool:
        flag = row.get(column)
        return flag is not None and not pd.isna(flag) and bool(flag)

    if flagged("worst_england"):
        return "⚑ In England's worst tenth"
    if flagged("worst_region"):
        return "⚑ In the region's worst tenth"
    return ""


def spine_detail(row: pd.Series, region_label: str, mixed: bool = False) -> str:
    """The words under a spine: the area's value, the benchmarks, how it compares; in a
    chart `mixed` with indicators where higher is worse or better, what 'left' means for
    one where it is neither."""
    parts = [f"This area {row['value_text']}"]
    published = [
        (label, text)
        for label, text in ((region_label, row["region_text"]), ("England", row["england_text"]))
        if text
    ]
    if any(text != NOT_PUBLISHED for _, text in published):  # else both say nothing
        parts.extend(f"{label} {text}" for label, text in published)
    sentences = [" · ".join(parts)]
    flag = worst_tenth_words(row)
    if flag:
        sentences.append(flag)
    if row["comparison"] in TESTED:
        sentences.append(f"{row['comparison_text'][:1].upper()}{row['comparison_text'][1:]}")
    if mixed and row["polarity"] == "no_judgement":
        sentences.append("Neither higher nor lower is worse here: lower is to the left")
    return ". ".join(sentences) + ("." if len(sentences) > 1 else "")


def spine_chart(rows: pd.DataFrame, region_label: str = "Region") -> dict:
    """A Fingertips-style spine per indicator (profiles.spine_rows, one domain): the range
    of areas in light grey, their middle half darker, England a diamond, the region a bar,
    the area a dot with its 95% interval; worse to the left (lower, where no indicator of
    the chart is worse either way). The indicator's title and unit above its spine, its
    values and comparison in words below."""
    records, y = [], LINE + 6  # the first line says which way is worse
    judged = bool((rows["polarity"] != "no_judgement").any())
    for _, row in rows.iterrows():
        title = wrap(f"{row['title']} — {row['unit']}")
        detail = wrap(spine_detail(row, region_label, mixed=judged), DETAIL_WRAP)
        spine_y = y + _lines(title) * LINE + 4 + BAR / 2
        record = {
            "title": title,
            "detail": detail,
            "title_y": y,
            "spine_y": spine_y,
            "detail_y": spine_y + BAR / 2 + 4,
            "marker": MARKER_COLOURS.get(row["comparison"], "#ffffff"),
            "value_text": row["value_text"],
            "region_text": row["region_text"] or "—",
            "england_text": row["england_text"],
            "compared": row["comparison_text"] or "—",
            "indicator": row["title"],
            "areas": int(row["peer_areas"]),
        }
        for column in row.index:
            if str(column).startswith("pos_"):
                record[column] = _clean(row[column])
        records.append(record)
        y = record["detail_y"] + _lines(detail) * LINE + GAP
    if records:
        records[0]["left_end"] = "◀ worse" if judged else "◀ lower"
        records[0]["right_end"] = "better ▶" if judged else "higher ▶"
    height = int(y)
    left, right = -X_PAD, 1 + X_PAD

    def rule(start: str, end: str, colour: str, width: int) -> dict:
        return {
            "mark": {"type": "rule", "color": colour, "strokeWidth": width},
            "encoding": {
                "x": _x(start, (left, right)),
                "x2": {"field": end},
                "y": _y("spine_y", height),
            },
        }

    area_tooltip = [
        {"field": "indicator", "title": "Indicator"},
        {"field": "value_text", "title": "This area"},
        {"field": "region_text", "title": region_label},
        {"field": "england_text", "title": "England"},
        {"field": "compared", "title": "Compared"},
    ]

    def end_label(x: float, side: str, align: str) -> dict:
        """'worse' at one end of the first line, 'better' at the other (fields of the first
        row: Streamlit reads one data set a chart)."""
        return {
            "transform": [{"filter": f"datum.{side} != null"}],
            "mark": {
                "type": "text",
                "align": align,
                "baseline": "top",
                "fontSize": DETAIL_SIZE,
                "color": "#444444",
            },
            "encoding": {
                "x": _at(x),
                "y": _at(0),
                "text": {"field": side},
            },
        }

    return {
        "width": "container",
        "height": height,
        # Only the width fits: fitting the height too would squeeze the rows laid out here
        # in pixels to make room for the axis.
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 4, "right": 4, "top": 4, "bottom": 4},
        # No ARIA per mark (empty mark groups would be unnamed images): the page gives the
        # chart one text alternative, and the same values in a table.
        "config": {"view": {"stroke": None}, "aria": False, "mark": {"aria": False}},
        "data": {"values": records},
        "layer": [
            end_label(left, "left_end", "left"),
            end_label(right, "right_end", "right"),
            _text("title", "title_y", height, left, TITLE_SIZE, fontWeight="bold"),
            rule("pos_peer_min", "pos_peer_max", RANGE_COLOUR, BAR),
            rule("pos_peer_p25", "pos_peer_p75", MIDDLE_COLOUR, BAR),
            rule("pos_ci_low", "pos_ci_high", INTERVAL_COLOUR, 2),
            {
                "mark": {
                    "type": "tick",
                    "orient": "vertical",
                    "color": "#000000",
                    "thickness": 3,
                    "size": BAR + 8,
                },
                "encoding": {
                    "x": _x("pos_region_value", (left, right)),
                    "y": _y("spine_y", height),
                },
            },
            {
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "fill": "#ffffff",
                    "stroke": "#000000",
                    "strokeWidth": 1.5,
                    "size": 120,
                },
                "encoding": {
                    "x": _x("pos_england_value", (left, right)),
                    "y": _y("spine_y", height),
                },
            },
            {
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "filled": True,
                    "stroke": "#000000",
                    "strokeWidth": 1.5,
                    "size": 140,
                    "opacity": 1,
                },
                "encoding": {
                    "x": _x("pos_value", (left, right)),
                    "y": _y("spine_y", height),
                    "fill": {"field": "marker", "type": "nominal", "scale": None},
                    "tooltip": area_tooltip,
                },
            },
            _text("detail", "detail_y", height, left, DETAIL_SIZE, color="#333333"),
        ],
    }


def labelled_bars(
    labels: Sequence[str],
    values: Sequence[float],
    value_title: str,
    texts: Sequence[str] | None = None,
    intervals: Sequence[tuple[float, float]] | None = None,
    references: Sequence[bool] | None = None,
) -> dict:
    """Horizontal bars from zero, each with its label (and value in words, `texts`) on
    lines above it, an optional 95% interval, and reference rows (the region, England) in
    grey; the value axis below, titled `value_title` (the unit)."""
    texts = texts or ["" for _ in labels]
    intervals = intervals or [(math.nan, math.nan) for _ in labels]
    references = references or [False for _ in labels]
    records: list[dict] = []
    y = 0.0
    for label, value, text, (low, high), reference in zip(
        labels, values, texts, intervals, references, strict=True
    ):
        words = wrap(f"{label}: {text}" if text else str(label))
        bar_y = y + _lines(words) * LINE + 2 + BAR / 2
        records.append(
            {
                "label": words,
                "label_y": y,
                "bar_y": bar_y,
                "value": _clean(value),
                "low": _clean(low),
                "high": _clean(high),
                "colour": "#9e9e9e" if reference else "#1f78b4",
                "name": str(label),
                "shown": text or ("no value" if _clean(value) is None else f"{value:,.2f}"),
            }
        )
        y = bar_y + BAR / 2 + GAP
    height = int(y)
    top = max([v for r in records for v in (r["value"], r["high"]) if v is not None] or [1.0])
    domain = (0.0, top * 1.05 if top > 0 else 1.0)
    return {
        "width": "container",
        "height": height,
        # Only the width fits: fitting the height too would squeeze the rows laid out here
        # in pixels to make room for the axis.
        "autosize": {"type": "fit-x", "contains": "padding"},
        # No ARIA per mark (empty mark groups would be unnamed images): the page gives the
        # chart one text alternative, and the same values in a table.
        "config": {"view": {"stroke": None}, "aria": False, "mark": {"aria": False}},
        "data": {"values": records},
        "layer": [
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "lineBreak": "\n",
                    "lineHeight": LINE,
                    "fontSize": DETAIL_SIZE,
                },
                "encoding": {
                    "x": {"datum": 0, "type": "quantitative"},
                    "y": _y("label_y", height),
                    "text": {"field": "label"},
                },
            },
            {
                "mark": {"type": "bar", "height": BAR},
                "encoding": {
                    "x": _x(
                        "value",
                        domain,
                        {"title": value_title, "grid": True, "labelFlush": True},
                    ),
                    "x2": {"datum": 0},
                    "y": _y("bar_y", height),
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                    "tooltip": [
                        {"field": "name", "title": "Area"},
                        {"field": "shown", "title": value_title},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#000000", "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative"},
                    "x2": {"field": "high"},
                    "y": _y("bar_y", height),
                },
            },
        ],
    }
