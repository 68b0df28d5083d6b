"""Choropleth maps: classification, colour-blind-safe palettes, a compact geometry layer,
and a legend that is always on the map.

The polygons travel as integer coordinates (1e-5 degrees, about 1 m) delta-encoded per
ring, with the style computed in the browser from a class index: a fraction of the bytes of
folium's per-feature GeoJSON (bench/map_payload.py measures it). Every piece of text that
reaches the browser is either HTML-escaped here or set as text by the browser, never as HTML.
"""

from __future__ import annotations

import html
import json
import warnings
from dataclasses import dataclass

import folium
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from arp.settings import REPO_ROOT

SCALE = 100_000  # integer coordinates in 1e-5 degrees
NO_DATA_COLOUR = "#d9d9d9"
LOCAL_LEAFLET = REPO_ROOT / "static" / "vendor" / "leaflet" / "leaflet.js"
SCHEMES = {
    "quantiles": "Quintiles (fifths of areas)",
    "deciles": "Deciles (tenths of areas)",
    "equal_interval": "Equal intervals",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
}
# ColorBrewer sequential schemes (all colour-blind safe), light to dark.
SEQUENTIAL_WORSE = ["#fff7ec", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]  # OrRd: dark = worse
SEQUENTIAL_NEUTRAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]  # Blues: no judgement
DIVERGING = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]  # RdBu, for gaps


def use_local_leaflet() -> None:
    """Point folium at the Leaflet the app serves itself (static/, see the Makefile), so
    that maps draw without internet; keep folium's CDN links only if it is missing."""
    if not LOCAL_LEAFLET.exists():
        return
    folium.Map.default_js = [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", "/app/static/vendor/leaflet/leaflet.css")]


def palette(n: int, colours: list[str]) -> list[str]:
    """n colours interpolated along an anchor list (in RGB)."""
    anchors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours], dtype=float)
    if n == 1:
        return [colours[len(colours) // 2]]
    positions = np.linspace(0, len(colours) - 1, n)
    result = []
    for position in positions:
        low = int(np.floor(position))
        high = min(low + 1, len(colours) - 1)
        mix = anchors[low] + (anchors[high] - anchors[low]) * (position - low)
        result.append("#" + "".join(f"{round(v):02x}" for v in mix))
    return result


@dataclass(frozen=True)
class Classes:
    """Class index per area (-1 = no value) and the upper bound of each class."""

    index: np.ndarray
    bounds: list[float]
    minimum: float | None


def classify(values: pd.Series, scheme: str = "quantiles") -> Classes:
    valid = values.dropna().astype(float)
    index = np.full(len(values), -1, dtype=int)
    if valid.empty:
        return Classes(index, [], None)
    wanted = 10 if scheme == "deciles" else 5
    k = min(wanted, int(valid.nunique()))
    if k < 2:
        index[values.notna().to_numpy()] = 0
        return Classes(index, [float(valid.max())], float(valid.min()))
    if scheme in ("quantiles", "deciles"):
        with warnings.catch_warnings():  # ties: mapclassify merges classes and says so
            warnings.simplefilter("ignore", UserWarning)
            classifier = mapclassify.Quantiles(valid, k=k)
    elif scheme == "equal_interval":
        classifier = mapclassify.EqualInterval(valid, k=k)
    elif scheme == "natural_breaks":
        classifier = _natural_breaks(valid, k)
    else:
        raise ValueError(f"unknown classification {scheme!r}; choose from {', '.join(SCHEMES)}")
    index[values.notna().to_numpy()] = classifier.yb
    return Classes(index, [float(b) for b in classifier.bins], float(valid.min()))


NATURAL_BREAKS_SAMPLE = 400


def _natural_breaks(values: pd.Series, k: int):
    """Fisher-Jenks breaks. Pure-Python Fisher-Jenks is quadratic (3 s for 1,719 values), so
    above a few hundred values the breaks come from evenly spaced quantiles of the data: a
    deterministic sample with the same distribution. The classes then cover every value."""
    with warnings.catch_warnings():  # "Numba not installed": the sample keeps it fast
        warnings.simplefilter("ignore", UserWarning)
        sample = values
        if len(values) > NATURAL_BREAKS_SAMPLE:
            sample = pd.Series(np.quantile(values, np.linspace(0, 1, NATURAL_BREAKS_SAMPLE)))
        breaks = mapclassify.FisherJenks(sample, k=k).bins
    breaks[-1] = max(breaks[-1], float(values.max()))
    return mapclassify.UserDefined(values, bins=list(breaks))


def colours_for(polarity: str, kind: str, n: int) -> list[str]:
    """Darker always means worse; context indicators get a neutral palette."""
    if kind == "context" or polarity == "no_judgement":
        return palette(n, SEQUENTIAL_NEUTRAL)
    colours = palette(n, SEQUENTIAL_WORSE)
    return colours[::-1] if polarity == "higher_is_better" else colours


def format_value(value: float | None) -> str:
    """A number to read: fewer decimals for larger values; 'no value' when missing."""
    if value is None or pd.isna(value):
        return "no value"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}"


# --- compact geometry -------------------------------------------------------------------


def _encode_ring(coords: np.ndarray) -> list[int]:
    ints = np.round(coords[:, :2] * SCALE).astype(np.int64)
    deltas = np.vstack([ints[:1], np.diff(ints, axis=0)])
    return deltas.ravel().tolist()


def encode_geometry(wkb: bytes) -> list[list[list[int]]]:
    """Polygons -> rings -> delta-encoded integer coordinates."""
    geometry = shapely.from_wkb(bytes(wkb))
    polygons = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    encoded = []
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings = [polygon.exterior, *polygon.interiors]
        encoded.append([_encode_ring(np.asarray(ring.coords)) for ring in rings])
    return encoded


DECODER_JS = """
function arpDecode(polygons) {
  return polygons.map(function (rings) {
    return rings.map(function (ring) {
      var out = [], x = 0, y = 0;
      for (var i = 0; i < ring.length; i += 2) {
        x += ring[i]; y += ring[i + 1];
        out.push([x / %d, y / %d]);
      }
      return out;
    });
  });
}
""" % (SCALE, SCALE)


class AreaLayer(MacroElement):
    """Polygons with style from a class index and a tooltip built as text in the browser."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.decoder }}
(function () {
  var data = {{ this.payload }};
  var features = data.geometry.map(function (polygons, i) {
    return {type: "Feature", properties: {code: data.codes[i], name: data.names[i], i: i},
            geometry: {type: "MultiPolygon", coordinates: arpDecode(polygons)}};
  });
  var layer = L.geoJson({type: "FeatureCollection", features: features}, {
    renderer: L.{{ this.renderer }}(),
    style: function (feature) {
      {% if this.outline %}return {fill: false, color: "#1a1a1a", weight: {{ this.weight }}};{% endif %}
      var c = data.classes[feature.properties.i];
      return {fillColor: c >= 0 ? data.palette[c] : data.no_data, fillOpacity: c >= 0 ? 0.78 : 0.5,
              color: "#4d4d4d", weight: {{ this.weight }}, dashArray: c >= 0 ? null : "3 3"};
    },
    onEachFeature: function (feature, shape) {
      if (!data.tooltips) { return; }
      var i = feature.properties.i;
      shape.bindTooltip(function () {
        var box = document.createElement("div");
        data.tooltips[i].forEach(function (line, n) {
          var row = document.createElement(n === 0 ? "strong" : "div");
          row.textContent = line;  /* text, never HTML: names and notes are untrusted */
          box.appendChild(row);
        });
        return box;
      }, {sticky: true, className: "arp-tooltip"});
    }
  });
  layer.addTo({{ this._parent.get_name() }});
  {% if this.fit %}{{ this._parent.get_name() }}.fitBounds(layer.getBounds());{% endif %}
  {% if this.focus %}
  layer.eachLayer(function (shape) {  /* the area found by name or postcode */
    if (shape.feature.properties.code === {{ this.focus }}) {
      shape.setStyle({weight: 4, color: "#000000", dashArray: null});
      shape.bringToFront();
      {{ this._parent.get_name() }}.fitBounds(shape.getBounds(), {maxZoom: 14});
    }
  });
  {% endif %}
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        frame: pd.DataFrame,
        classes: np.ndarray | None = None,
        colours: list[str] | None = None,
        tooltips: list[list[str]] | None = None,
        weight: float = 0.4,
        fit: bool = False,
        canvas: bool = False,
        focus: str | None = None,
    ):
        super().__init__()
        self._name = "AreaLayer"
        self.decoder = DECODER_JS
        self.renderer = "canvas" if canvas else "svg"
        self.weight = weight
        self.fit = fit
        self.outline = classes is None  # outlines only: district boundaries over the areas
        self.focus = json.dumps(focus) if focus else None
        payload = {
            "codes": frame["code"].tolist(),
            "names": frame["name"].tolist(),
            "geometry": [encode_geometry(w) for w in frame["geometry_display_wkb"]],
            "classes": (classes if classes is not None else np.full(len(frame), -1)).tolist(),
            "palette": colours or [],
            "no_data": NO_DATA_COLOUR if classes is not None else "none",
            "tooltips": tooltips,
        }
        # json.dumps escapes quotes; "</" is escaped so no string can close the script tag.
        self.payload = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")


class Legend(MacroElement):
    """A legend drawn inside the map, so it is in every screenshot."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "arp-legend");
    box.innerHTML = {{ this.html_json }};
    return box;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str, unit: str, rows: list[tuple[str, str]], footer: str):
        super().__init__()
        self._name = "Legend"
        items = "".join(
            f'<div class="arp-legend-row"><span class="arp-swatch" style="background:{colour}"></span>'
            f"{html.escape(label)}</div>"
            for colour, label in rows
        )
        markup = (
            f'<div class="arp-legend-title">{html.escape(title)}</div>'
            f'<div class="arp-legend-unit">{html.escape(unit)}</div>{items}'
            f'<div class="arp-legend-row"><span class="arp-swatch arp-no-data"></span>'
            f"Suppressed or no data</div>"
            f'<div class="arp-legend-source">{html.escape(footer)}</div>'
        )
        self.html_json = json.dumps(markup).replace("</", "<\\/")


MAP_CSS = """
<style>
.folium-map, .leaflet-container { background: #ffffff; }
.arp-legend { background: rgba(255,255,255,0.94); padding: 8px 10px; font: 12px/1.35 sans-serif;
  color: #1a1a1a; border: 1px solid #767676; border-radius: 4px; max-width: 240px; }
.arp-legend-title { font-weight: 700; font-size: 13px; }
.arp-legend-unit { color: #333; margin-bottom: 4px; }
.arp-legend-row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.arp-swatch { display: inline-block; width: 18px; height: 12px; border: 1px solid #4d4d4d; }
.arp-no-data { background: repeating-linear-gradient(45deg, #d9d9d9 0 3px, #ffffff 3px 6px); }
.arp-legend-source { margin-top: 4px; color: #333; font-size: 11px; }
.arp-tooltip { font: 13px/1.4 sans-serif; color: #1a1a1a; }
@media (max-width: 480px) {  /* phones: a compact legend that leaves the map visible */
  .arp-legend { font-size: 10px; max-width: 150px; padding: 4px 6px; }
  .arp-legend-title { font-size: 11px; }
  .arp-swatch { width: 12px; height: 9px; }
  .arp-legend-source { font-size: 9px; }
}
</style>
"""


def legend_rows(classes: Classes, colours: list[str]) -> list[tuple[str, str]]:
    rows = []
    low = classes.minimum
    for colour, high in zip(colours, classes.bounds, strict=False):
        rows.append((colour, f"{format_value(low)} to {format_value(high)}"))
        low = high
    return rows


def base_map(center: tuple[float, float], zoom: int, tiles: bool) -> folium.Map:
    use_local_leaflet()
    fmap = folium.Map(
        location=center, zoom_start=zoom, tiles=None, control_scale=True, prefer_canvas=False
    )
    if tiles:
        # When the tiles cannot load (no internet), the polygons still draw on white.
        folium.TileLayer("OpenStreetMap", name="Street map", control=True).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(MAP_CSS))
    return fmap


def _point_layer(
    fmap: folium.Map,
    name: str,
    points: pd.DataFrame,
    count: str,
    base: float,
    scale: float,
    edge: str,
    fill: str,
    label: str,
) -> None:
    """Circles at area label points, their area growing with the count."""
    group = folium.FeatureGroup(name=name, show=True)
    for row in points.itertuples():
        value = getattr(row, count)
        folium.CircleMarker(
            location=(row.label_lat, row.label_lon),
            radius=float(base + scale * np.sqrt(value)),
            color=edge,
            weight=1,
            fill=True,
            fill_color=fill,
            fill_opacity=0.8,
            tooltip=html.escape(label.format(value)),
        ).add_to(group)
    group.add_to(fmap)


SERVICE_STYLE = {
    "gp_practice": ("GP practices", "#1b7837"),
    "pharmacy": ("Pharmacies", "#762a83"),
    "library": ("Public libraries", "#b35806"),
    "hospital": ("Hospitals (2018 list)", "#2166ac"),
}


def choropleth(
    frame: pd.DataFrame,
    title: str,
    unit: str,
    polarity: str,
    kind: str,
    tooltips: list[list[str]],
    scheme: str,
    source_line: str,
    districts: pd.DataFrame | None = None,
    services: pd.DataFrame | None = None,
    stop_search: pd.DataFrame | None = None,
    insight_points: pd.DataFrame | None = None,
    tiles: bool = True,
    focus: str | None = None,
) -> tuple[folium.Map, Classes, list[str]]:
    """The map: classed polygons, district outlines, optional service points, the legend."""
    classes = classify(frame["value"], scheme)
    colours = colours_for(polarity, kind, max(len(classes.bounds), 1))
    center = (float(frame["label_lat"].mean()), float(frame["label_lon"].mean()))
    fmap = base_map(center, 11, tiles)
    fmap.add_child(
        AreaLayer(
            frame, classes.index, colours, tooltips, fit=True, canvas=len(frame) > 5000, focus=focus
        )
    )
    if districts is not None and len(districts):
        fmap.add_child(AreaLayer(districts, weight=1.6))
    if services is not None and len(services):
        for service_type, rows in services.groupby("service_type"):
            label, colour = SERVICE_STYLE.get(service_type, (service_type, "#333333"))
            group = folium.FeatureGroup(name=label, show=True)
            for row in rows.itertuples():
                folium.CircleMarker(
                    location=(row.latitude, row.longitude),
                    radius=4,
                    color="#ffffff",
                    weight=1,
                    fill=True,
                    fill_color=colour,
                    fill_opacity=0.95,
                    tooltip=html.escape(
                        f"{label[:-1] if label.endswith('s') else label}: {row.name}"
                    ),
                ).add_to(group)
            group.add_to(fmap)
    if stop_search is not None and len(stop_search):
        _point_layer(
            fmap,
            "Stop and search (LSOAs with 10 or more)",
            stop_search,
            "searches",
            2,
            1,
            "#000000",
            "#ffffff",
            "{:,} stop and searches (13 months)",
        )
    if insight_points is not None and len(insight_points):
        _point_layer(
            fmap,
            "Workshop insights (approved)",
            insight_points,
            "insights",
            5,
            2,
            "#ffffff",
            "#1b7837",
            "{} approved workshop insight(s)",
        )
    fmap.add_child(Legend(title, unit, legend_rows(classes, colours), source_line))
    if (
        tiles
        or (services is not None and len(services))
        or stop_search is not None
        or insight_points is not None
    ):
        folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, classes, colours
