"""An interactive map to share: a view of the explorer as a folium map, and as one HTML
file that opens from an email attachment or a USB stick with no internet.

The map has the live map's classes, colours, legend and tooltip lines (arp.maps,
arp.map_views), with the title, the sources and the date in the page, and no tile layer
unless asked for. Leaflet's script and stylesheet are put in the page from the vendored copy
(static/vendor/leaflet, see arp/leaflet.py) instead of folium's CDN links. Polygons are
simplified to about a pixel of the whole view and rounded to 4 decimals (about 10 m), so
the WMCA LSOA map stays under 1.5 MB.

folium's tooltips and the boxes added here are HTML: every value that comes from the
database or from a person (names, titles, units, scenario names) is escaped with
html.escape before it goes in.

arp.maps imports to_folium from here, and arp.maps is imported by the modules used here, so
those (and folium, 0.3 s to import) are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from arp import leaflet, settings

if TYPE_CHECKING:
    import duckdb
    import folium

    from arp.framework import Framework
    from arp.map_views import MapView
    from arp.view_state import ViewState
    from arp.workshop import Scenario

PRECISION = 4  # decimals of a degree: about 10 m, finer than the simplification below
AREA_CLASS = "arp-area"  # on each area's SVG path (tests count them)
OUTLINE_CLASS = "arp-outline"
OUTLINE_STYLE = {"fill": False, "color": "#1a1a1a", "weight": 1.6, "className": OUTLINE_CLASS}
GENERIC_SOURCE = "Contains ONS and OS data, OGL v3.0"
# Where folium would load its libraries from; none may be left in a page written here.
EXTERNAL_RESOURCE = re.compile(
    r"""<script[^>]+\bsrc\s*=\s*["']?(?!data:)[^"'\s>]+"""
    r"""|<link[^>]+\bhref\s*=\s*["']?(?!data:)[^"'\s>]+"""
    r"""|url\(\s*["']?(?:[a-z][a-z0-9+.-]*:(?<!data:)|//)[^)"']*""",
    re.IGNORECASE,
)

STYLE = """
html, body { width: 100%; height: 100%; margin: 0; padding: 0; }
.leaflet-container { background: #ffffff; }
.arp-box { position: fixed; z-index: 1000; background: rgba(255, 255, 255, 0.94);
  color: #1a1a1a; border: 1px solid #767676; border-radius: 4px; padding: 8px 10px;
  font: 12px/1.35 sans-serif; }
.arp-title { top: 10px; left: 54px; right: 10px; max-width: 640px; }
.arp-title h1 { font-size: 17px; margin: 0 0 2px 0; }
.arp-title p { margin: 0; color: #333333; }
.arp-legend { bottom: 24px; right: 10px; max-width: 260px; }
.arp-legend-title { font-weight: 700; font-size: 13px; cursor: pointer; }
.arp-legend-unit, .arp-legend-direction { color: #333333; margin-bottom: 4px; }
.arp-legend-row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.arp-swatch { display: inline-block; flex: none; width: 18px; height: 12px;
  border: 1px solid #4d4d4d; }
.arp-no-data { background: repeating-linear-gradient(45deg, #d9d9d9 0 3px, #ffffff 3px 6px); }
.arp-legend-source { margin-top: 4px; color: #333333; font-size: 11px; }
.arp-legend-source a { color: #1a1a1a; }
.arp-tooltip { font: 13px/1.4 sans-serif; color: #1a1a1a; }
.arp-tooltip td { white-space: pre; }
@media (max-width: 480px) {
  .arp-box { font-size: 10px; padding: 4px 6px; }
  .arp-title h1 { font-size: 13px; }
  .arp-legend { max-width: 150px; }
  .arp-swatch { width: 12px; height: 9px; }
  .arp-legend-source { font-size: 9px; }
}
"""


class LeafletMissing(FileNotFoundError):
    """The vendored Leaflet is not there, so a map cannot be made to work offline."""


def worse_direction(
    polarity: str, kind: str, title: str = "", unit: str = "", scale: str = "continuous"
) -> str:
    """Which way is worse, in the live map's words (arp.maps.direction_words), as a sentence."""
    from arp import maps  # maps re-exports to_folium from here

    words = maps.direction_words(polarity, kind, title, unit, scale)
    return f"{words[0].upper()}{words[1:]}."


def source_line(period: str, made: date, attributions: list[str] | None = None) -> str:
    """The live map's footer (period, date made, sources), with each source named if given."""
    sources = "; ".join(attributions) if attributions else GENERIC_SOURCE
    return f"{period}. Made {made:%d %b %Y}. {sources}"


# --- geometry --------------------------------------------------------------------------


def _ring(coords: np.ndarray, precision: int) -> list | None:
    rounded = np.round(coords[:, :2], precision)
    moved = np.r_[True, np.any(np.diff(rounded, axis=0) != 0, axis=1)]
    rounded = rounded[moved]  # points that rounding made equal are kept once
    if len(rounded) < 4:
        return None
    return rounded.tolist()


def geojson_geometry(geometry, precision: int = PRECISION) -> dict | None:
    """A (Multi)Polygon as a GeoJSON geometry with rounded coordinates; None if nothing
    of it is left at that precision."""
    polygons = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        exterior = _ring(np.asarray(polygon.exterior.coords), precision)
        if exterior is None:
            continue
        holes = [_ring(np.asarray(ring.coords), precision) for ring in polygon.interiors]
        polygons.append([exterior, *(h for h in holes if h is not None)])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def share_geometry(wkbs: pd.Series, precision: int = PRECISION) -> list[dict | None]:
    """Display geometry (WKB) for a file: shared edges simplified again to about a pixel
    of the whole view at its widest (as the live map does for big views), neighbours kept
    touching, then rounded. Finer detail is never seen at the scale the file opens at,
    and it is what would take the file past 1.5 MB."""
    from arp import maps

    geometries = shapely.from_wkb([bytes(w) for w in wkbs])
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    tolerance = max(xmax - xmin, ymax - ymin) / maps.VIEW_PIXELS
    simplified = shapely.coverage_simplify(geometries, tolerance) if tolerance > 0 else geometries
    return [
        geojson_geometry(s if not s.is_empty else g, precision)
        for s, g in zip(simplified, geometries, strict=True)
    ]


# --- the map ---------------------------------------------------------------------------


def _lines(lines: list[str]) -> str:
    """Tooltip lines as escaped HTML; a newline between them (shown by `white-space: pre`) is 2
    bytes in the page where `<br>` would be 12 (folium writes `<` as `\\u003c`)."""
    return "\n".join(html.escape(str(line)) for line in lines)


def _title_box(title: str, subtitle: str | None, caveats: str | None) -> str:
    parts = [f"<h1>{html.escape(title)}</h1>"]
    parts += [f"<p>{html.escape(text)}</p>" for text in (subtitle, caveats) if text]
    return f'<div class="arp-box arp-title" role="heading" aria-level="1">{"".join(parts)}</div>'


def _legend_box(
    title: str,
    unit: str,
    direction: str,
    rows: list[tuple[str, str]],
    footer: str,
    link: str | None,
) -> str:
    def swatch(colour: str | None, label: str) -> str:
        if colour is None:
            span = '<span class="arp-swatch arp-no-data"></span>'
        else:
            span = f'<span class="arp-swatch" style="background:{html.escape(colour)}"></span>'
        return f'<div class="arp-legend-row">{span}{html.escape(label)}</div>'

    parts = [
        f'<summary class="arp-legend-title">{html.escape(title)}</summary>',
        f'<div class="arp-legend-unit">{html.escape(unit)}</div>',
        f'<div class="arp-legend-direction">{html.escape(direction)}</div>',
        *(swatch(colour, label) for colour, label in rows),
        swatch(None, "Suppressed or no data"),
        f'<div class="arp-legend-source">{html.escape(footer)}</div>',
    ]
    if link:
        href = html.escape(link, quote=True)
        parts.append(
            f'<div class="arp-legend-source">Live version: <a href="{href}">{href}</a></div>'
        )
    # A <details>, open: on a phone the script below folds it to its title, tap to open.
    return f'<details class="arp-box arp-legend" open>{"".join(parts)}</details>'


def _inline_images(css: str, folder: Path) -> str:
    """Leaflet's stylesheet with its images (layer control, markers) as data: URLs."""

    def data_url(match: re.Match) -> str:
        image = folder / match.group(1)
        if not image.is_file():
            return "none"
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})"

    return re.sub(r"url\(\s*['\"]?(images/[\w.-]+\.png)['\"]?\s*\)", data_url, css)


def inline_leaflet(m: folium.Map, folder: Path | None = None) -> None:
    """Replace folium's CDN links by Leaflet's script and stylesheet, put in the page."""
    from branca.element import Element

    folder = folder or settings.leaflet_dir()
    if not leaflet.present(folder):
        raise LeafletMissing(
            f"Leaflet is not in {folder}, so the map cannot work offline. Fetch it once, with "
            "internet: `python -m arp.leaflet` (or `make`, or start `arp app`)."
        )
    script = (folder / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = _inline_images((folder / "leaflet.css").read_text(encoding="utf-8"), folder)
    # Per map, not folium.Map's class lists: other maps in the process keep folium's defaults.
    m.default_js = []
    m.default_css = []
    header = m.get_root().header  # type: ignore[attr-defined]
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{script}</script>"), name="leaflet")


def to_folium(
    view: MapView,
    scheme: str = "quantiles",
    *,
    source: str | None = None,
    made: date | None = None,
    districts: pd.DataFrame | None = None,
    subtitle: str | None = None,
    link: str | None = None,
    tooltips: list[list[str]] | None = None,
    tiles: str | None = None,
    precision: int = PRECISION,
    leaflet_folder: Path | None = None,
) -> folium.Map:
    """A view of the explorer (arp.map_views.MapView) as a folium map: the live map's
    classes (`scheme`, one of arp.maps.SCHEMES), colours, legend and tooltip lines, with its
    title, `subtitle`, `source` (by default the live map's footer: period, date made, ONS and
    OS data) and `link` back to the live view. District outlines from `districts` (code,
    geometry_display_wkb), if given. No tile layer unless `tiles` names one (folium's names,
    e.g. "OpenStreetMap": the tile server then sees the area on screen). Leaflet is put in
    the page from the vendored copy; LeafletMissing if it is not there.
    """
    import folium

    from arp import map_views, maps

    frame = view.frame
    classes, colours = maps.coloured_classes(
        frame["value"], scheme, view.scale, view.polarity, view.kind
    )
    if tooltips is None:
        tooltips = [map_views.tooltip_lines(row, view) for row in frame.to_dict("records")]
    footer = source or source_line(view.period, made or date.today())

    features = []
    for i, (geometry, lines) in enumerate(
        zip(share_geometry(frame["geometry_display_wkb"], precision), tooltips, strict=True)
    ):
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "id": i,
                    "properties": {"tooltip": _lines(lines)},
                    "geometry": geometry,
                }
            )

    def area_style(feature: dict) -> dict[str, Any]:
        index = int(classes.index[feature["id"]])
        return {
            "fillColor": colours[index] if index >= 0 else maps.NO_DATA_COLOUR,
            "fillOpacity": 0.78 if index >= 0 else 0.5,
            "color": "#4d4d4d",
            "weight": 0.4,
            "dashArray": None if index >= 0 else "3 3",
            "className": AREA_CLASS,
        }

    m = folium.Map(
        location=None,
        tiles=tiles,
        prefer_canvas=len(frame) > maps.CANVAS_ABOVE,
        control_scale=True,
        zoom_snap=0.25,  # fits the areas to the screen more closely than whole zoom levels
    )
    inline_leaflet(m, leaflet_folder)
    root = m.get_root()
    root.header.add_child(  # type: ignore[attr-defined]
        folium.Element(f"<title>{html.escape(view.title)}</title><style>{STYLE}</style>"),
        name="arp_style",
    )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=view.title,
        style_function=area_style,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["tooltip"], labels=False, sticky=True, class_name="arp-tooltip"
        ),
    ).add_to(m)
    if districts is not None and len(districts):
        outlines = [
            {"type": "Feature", "id": i, "properties": {}, "geometry": g}
            for i, g in enumerate(share_geometry(districts["geometry_display_wkb"], precision))
            if g is not None
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": outlines},
            name="District boundaries",
            style_function=lambda _feature: OUTLINE_STYLE,
            interactive=False,  # hovering reaches the areas beneath
        ).add_to(m)
    root.html.add_child(  # type: ignore[attr-defined]
        folium.Element(
            _title_box(
                view.title,
                subtitle,
                " ".join(text for text in (view.caveats, view.weights_note) if text),
            )
            + _legend_box(
                view.title,
                view.unit,
                worse_direction(view.polarity, view.kind, view.title, view.unit, view.scale),
                maps.legend_rows(classes, colours),
                footer,
                link,
            )
        )
    )
    xmin, ymin, xmax, ymax = shapely.total_bounds(
        shapely.from_wkb([bytes(w) for w in frame["geometry_display_wkb"]])
    )
    if np.isfinite([xmin, ymin, xmax, ymax]).all():
        m.add_child(_fit_clear_of_boxes([[ymin, xmin], [ymax, xmax]]))
    return m


def _fit_clear_of_boxes(bounds: list[list[float]]):
    """Fits the map to `bounds` once the page is laid out, clear of the title above and the
    legend (beside it on a wide screen, above it on a phone), as the live map does."""
    from branca.element import MacroElement
    from folium.template import Template

    fit = MacroElement()
    fit._template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var title = document.querySelector(".arp-title");
            var legend = document.querySelector(".arp-legend");
            if (map.getSize().x < 600) legend.open = false;  // a phone: the legend folds
            var wide = map.getSize().x >= 3 * legend.offsetWidth;
            map.fitBounds(%s, {
                paddingTopLeft: [0, title.offsetTop + title.offsetHeight],
                paddingBottomRight: wide ? [legend.offsetWidth + 20, 0]
                                         : [0, legend.offsetHeight + 30]
            });
        })();
        {% endmacro %}
        """.replace("%s", json.dumps(bounds))
    )
    return fit


def view_map(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: ViewState,
    scenario: Scenario,
    *,
    public_url: str | None = None,
    made: date | None = None,
    view: MapView | None = None,
) -> folium.Map:
    """The map of a view as the explorer shows it (`view`, if the caller has it, else read
    for `state`), with its place and level, every source named, the date, district
    outlines, and a link back to the same view in the app."""
    from arp import db, exports, levels, map_views

    if view is None:
        view = map_views.view_for(con, framework, state, scenario)
    place = db.query(con, "area_facts", code=state.within)["name"].tolist()
    subtitle = f"{levels.LABELS[state.level]} in {place[0] if place else state.within}"
    subtitle += f" · {view.period}"
    if state.show.is_composite:
        subtitle += f" · weights: {scenario.name}"
    subtitle += map_views.compared_with(view)
    attributions = exports.attributions(con, exports.sources_of(framework, state.show))
    districts = (
        db.query(con, "district_outlines", within=state.within) if state.level != "lad" else None
    )
    return to_folium(
        view,
        state.scheme,
        source=source_line(view.period, made or date.today(), attributions),
        districts=districts,
        subtitle=subtitle,
        link=exports.view_link(
            state, public_url or settings.public_url(), framework_version=framework.version
        ),
    )


_COMPACT_JSON = threading.Lock()


def _render_compact(m: folium.Map) -> str:
    """folium writes its data with Jinja's `tojson`, spaces after every comma and colon:
    a tenth of the WMCA LSOA file. Rendered here without them; folium's setting is shared
    by every folium template in the process, so it is changed under a lock and put back."""
    policies = m._template.environment.policies
    with _COMPACT_JSON:
        saved = policies["json.dumps_kwargs"]
        policies["json.dumps_kwargs"] = {**saved, "separators": (",", ":")}
        try:
            return m.get_root().render()
        finally:
            policies["json.dumps_kwargs"] = saved


def html_document(m: folium.Map) -> str:
    """The map as one HTML page; ValueError if anything in it would be fetched from
    elsewhere (a script, stylesheet or image by URL), as the page must work offline."""
    page = _render_compact(m)
    external = sorted({match.group(0) for match in EXTERNAL_RESOURCE.finditer(page)})
    if external:
        raise ValueError(f"the map would fetch from elsewhere: {', '.join(external)[:300]}")
    return page


def write_html(m: folium.Map, out: Path) -> int:
    """Write the map as one self-contained HTML file; returns its size in bytes."""
    data = html_document(m).encode("utf-8")
    out.write_bytes(data)
    return len(data)
