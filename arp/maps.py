"""Choropleth maps: classification, colour-blind-safe palettes, and the map specification
that the browser draws (arp/area_map.js, through arp.ui.map_element).

The polygons travel as integer coordinates (1e-5 degrees, about 1 m) delta-encoded per
ring, once per page load: a later view of the same areas sends class indexes, tooltips and
the legend only. Style is computed in the browser from the class index. No string here is
ever HTML: the browser sets every one as text (bench/map_payload.py measures the bytes).
"""

from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import mapclassify
import numpy as np
import pandas as pd
import shapely

from arp import leaflet, robustness, settings
from data_loaders import SERVICE_TYPES, ServiceType

SCALE = 100_000  # integer coordinates in 1e-5 degrees
NO_DATA_COLOUR = "#d9d9d9"
LOCAL_LEAFLET = settings.leaflet_dir() / "leaflet.js"
LEAFLET_CDN = leaflet.CDN
TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "&copy; OpenStreetMap contributors",
}
CANVAS_ABOVE = 5000  # areas; beyond this SVG paths cost seconds, canvas stays fast
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
    """Class index per area (-1 = no value) and the upper bound of each class; categorical
    classes (deciles) carry a label per class instead of ranges."""

    index: np.ndarray
    bounds: list[float]
    minimum: float | None
    labels: tuple[str, ...] | None = None


DECILES = tuple(range(1, 11))


def decile_label(decile: float) -> str:
    """A national IoD decile in words (1 = England's most deprived tenth)."""
    d = int(decile)
    if d == 1:
        return "1 — most deprived 10% in England"
    if d == 10:
        return "10 — least deprived 10% in England"
    return f"{d} — {(d - 1) * 10} to {d * 10}% most deprived"


def decile_classes(values: pd.Series) -> Classes:
    """Ten fixed categories, one per decile, whatever the values present: a decile is a
    rank, so maps of different areas keep the same colours for the same decile."""
    index = np.where(values.notna(), values.fillna(0).astype(float) - 1, -1).astype(int)
    labels = tuple(decile_label(d) for d in DECILES)
    return Classes(index, [float(d) for d in DECILES], 1.0, labels)


def classify(values: pd.Series, scheme: str = "quantiles", scale: str = "continuous") -> Classes:
    """Classes for a map; `scheme` applies to continuous values, deciles are categorical."""
    if scale == "decile":
        return decile_classes(values)
    if scale == ROBUSTNESS_SCALE:
        return robustness_classes(values)
    if scale == SHIFT_SCALE:
        return shift_classes(values)
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


ROBUSTNESS_SCALE = "robustness"  # values: % of weightings with the area in the worst 10%


def robustness_classes(values: pd.Series) -> Classes:
    """Four fixed categories of a composite's robustness (arp.robustness.category): never,
    rarely, depends on the weights, robustly in the worst 10%."""
    names = robustness.CATEGORY_ORDER
    index = np.array(
        [-1 if pd.isna(v) else names.index(robustness.category(v / 100)) for v in values],
        dtype=int,
    )
    labels = tuple(robustness.category_label(name) for name in names)
    return Classes(index, [float(i) for i in range(len(names))], 0.0, labels)


SHIFT_SCALE = "rank_shift"  # values: places an area moved nearer the worst (< 0: further)


def shift_classes(values: pd.Series) -> Classes:
    """Five classes symmetric about no change, for a rank change between two scenarios:
    moved further from the worst by a lot or a little, unchanged, nearer by a little or a
    lot. "A lot" starts at the median move of the areas that moved, so half the movers
    are in each pair of outer classes whatever the number of areas."""
    moved = values.dropna().astype(float).abs()
    moved = moved[moved > 0]
    big = max(2, math.ceil(float(moved.median()))) if len(moved) else 2

    def class_of(value: float) -> int:
        if pd.isna(value):
            return -1
        if value == 0:
            return 2
        if value < 0:
            return 0 if value <= -big else 1
        return 4 if value >= big else 3

    index = np.array([class_of(v) for v in values], dtype=int)
    few = places(1) if big == 2 else f"1 to {places(big - 1)}"
    labels = (
        f"{places(big)} or more further from the worst",
        f"{few} further from the worst",
        "No change",
        f"{few} nearer the worst",
        f"{places(big)} or more nearer the worst",
    )
    return Classes(index, [float(i) for i in range(5)], 0.0, labels)


def places(count: int) -> str:
    """A number of places in a ranking, in words: "1 place", "1,204 places"."""
    return "1 place" if count == 1 else f"{count:,} places"


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


def colours_for(polarity: str, kind: str, n: int, scale: str = "continuous") -> list[str]:
    """Darker always means worse; context indicators get a neutral palette. A rank change
    is signed: red nearer the worst, blue further from it, pale for no change."""
    if scale == SHIFT_SCALE:
        return list(DIVERGING)
    if kind == "context" or polarity == "no_judgement":
        return palette(n, SEQUENTIAL_NEUTRAL)
    colours = palette(n, SEQUENTIAL_WORSE)
    return colours[::-1] if polarity == "higher_is_better" else colours


def direction_words(
    polarity: str, kind: str, title: str = "", unit: str = "", scale: str = "continuous"
) -> str:
    """Which way is worse, for a legend that travels without the app: the palettes make
    darker worse (colours_for), and deprivation measures say "more deprived"."""
    if scale == SHIFT_SCALE:
        return "red = nearer the worst, blue = further from it"
    if kind == "context" or polarity == "no_judgement":
        return "darker = higher; neither better nor worse"
    deprived = "deprivation" in title.lower() or "deprived" in unit.lower()
    worse = "more deprived" if deprived else "worse"
    if polarity == "higher_is_better":
        lower = "decile 1 darkest" if "decile" in unit.lower() else "lower values"
        return f"darker = {worse} ({lower})"
    return f"darker = {worse} (higher values)"


def value_direction(polarity: str, kind: str, title: str = "", unit: str = "") -> str:
    """Which way is worse for a value on an axis: 'higher = worse', 'lower = more deprived'."""
    if kind == "context" or polarity == "no_judgement":
        return "neither higher nor lower is better or worse"
    deprived = "deprivation" in title.lower() or "deprived" in unit.lower()
    way = "lower" if polarity == "higher_is_better" else "higher"
    return f"{way} = {'more deprived' if deprived else 'worse'}"


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


def encode_geometry(geometry) -> list[list[list[int]]]:
    """Polygons -> rings -> delta-encoded integer coordinates (from a geometry or its WKB)."""
    if isinstance(geometry, bytes | bytearray | memoryview):
        geometry = shapely.from_wkb(bytes(geometry))
    polygons = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    encoded = []
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings = [polygon.exterior, *polygon.interiors]
        encoded.append([_encode_ring(np.asarray(ring.coords)) for ring in rings])
    return encoded


def coloured_classes(
    values: pd.Series, scheme: str, scale: str, polarity: str, kind: str
) -> tuple[Classes, list[str]]:
    """The classes of a map's values and a colour for each: the live map, the image
    export and the interactive file all colour a view through this."""
    classes = classify(values, scheme, scale)
    return classes, colours_for(polarity, kind, max(len(classes.bounds), 1), scale)


def legend_rows(classes: Classes, colours: list[str]) -> list[tuple[str, str]]:
    if classes.labels is not None:
        return list(zip(colours, classes.labels, strict=True))
    rows = []
    low = classes.minimum
    for colour, high in zip(colours, classes.bounds, strict=False):
        rows.append((colour, f"{format_value(low)} to {format_value(high)}"))
        low = high
    return rows


# --- the map specification -----------------------------------------------------------


def leaflet_urls(base_url_path: str = "") -> dict[str, str]:
    """Leaflet as the app serves it (static/, see the Makefile), so maps draw without
    internet; Leaflet's CDN only when the local copy is missing. The local URLs carry the
    file's version, so serve.py lets browsers keep them for a year (arp.web)."""
    if not LOCAL_LEAFLET.exists():
        return {"script": LEAFLET_CDN + "leaflet.js", "stylesheet": LEAFLET_CDN + "leaflet.css"}
    prefix = "/" + "/".join(p for p in (base_url_path.strip("/"), "app/static") if p)
    folder = f"{prefix}/vendor/leaflet/"
    return {
        name: f"{folder}{file}?v={_file_version(LOCAL_LEAFLET.with_name(file))}"
        for name, file in (("script", "leaflet.js"), ("stylesheet", "leaflet.css"))
    }


@functools.cache
def _file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def geometry_id(codes: Collection[str], version: str) -> str:
    """Names one set of polygons in one order: the browser keeps them under this id."""
    digest = hashlib.sha1(version.encode())
    digest.update("\n".join(codes).encode())
    return digest.hexdigest()[:16]


VIEW_PIXELS = 1500  # the widest a map is drawn; finer detail than a pixel is never seen


def view_geometry(wkbs: pd.Series) -> list:
    """Display geometry for one view. A view of many areas (England's LSOAs, say) is seen
    whole at a scale where each is a few pixels: its shared edges are simplified again to
    about a pixel of the whole view, keeping neighbours touching, which cuts the bytes
    and the drawing several times over. Smaller views keep the build's display geometry."""
    geometries = shapely.from_wkb([bytes(w) for w in wkbs])
    if len(geometries) <= CANVAS_ABOVE:
        return list(geometries)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    return list(shapely.coverage_simplify(geometries, max(xmax - xmin, ymax - ymin) / VIEW_PIXELS))


_ENCODED: OrderedDict[str, list] = OrderedDict()  # geometry id -> encoded polygons
_ENCODED_KEEP = 8


def geometry_layer(
    frame: pd.DataFrame,
    version: str,
    held: Collection[str],
    publish: Callable[[str, dict], str] | None = None,
    labels: list[list[str]] | None = None,
) -> dict:
    """Polygons of a frame (code, geometry_display_wkb), left out when the browser holds them.
    Encoded once per geometry id and kept: every new visitor needs the same polygons.

    With `publish` (serve.py's geometry files, arp.web), the polygons and codes go into a
    file named by the geometry id and the layer carries its URL: the browser fetches it
    compressed and keeps it across visits. `labels` (each area's first tooltip lines: its
    name and code) travel with the polygons, as they change only when the areas do."""
    codes = frame["code"].tolist()
    layer = {"geometry_id": geometry_id(codes, version)}
    if layer["geometry_id"] in held and publish is None:
        return layer
    encoded = _ENCODED.pop(layer["geometry_id"], None)
    if encoded is None:
        encoded = [encode_geometry(w) for w in view_geometry(frame["geometry_display_wkb"])]
    _ENCODED[layer["geometry_id"]] = encoded
    while len(_ENCODED) > _ENCODED_KEEP:
        _ENCODED.popitem(last=False)
    polygons = {"codes": codes, "geometry": encoded, **({"labels": labels} if labels else {})}
    if publish is not None:
        return {**layer, "url": publish(layer["geometry_id"], polygons)}
    return {**layer, **polygons}


def shared_lines(tooltips: list[list[str]]) -> tuple[list[str], list[list[str | int]]]:
    """Tooltips with each line that recurs (a percentile in words, a flag) sent once: in
    the tooltips it becomes its index in the shared list. The browser puts it back."""
    counts = Counter(line for lines in tooltips for line in lines)
    shared = [line for line, n in counts.items() if n > 1]
    index = {line: i for i, line in enumerate(shared)}
    return shared, [[index.get(line, line) for line in lines] for lines in tooltips]


def tooltip_texts(data: dict, labels: list[list[str]] | None = None) -> list[list[str]]:
    """A map specification's tooltips as the browser shows them: the labels held with the
    geometry (inline in `data`, unless given), then the view's lines (area_map.js does
    the same)."""
    view = data["view"]
    held = labels if labels is not None else data["areas"].get("labels")
    return [
        [*(held[i] if held else []), *(view["lines"][x] if isinstance(x, int) else x for x in t)]
        for i, t in enumerate(view["tooltips"])
    ]


def point_overlay(
    name: str,
    latitudes: pd.Series,
    longitudes: pd.Series,
    radii: pd.Series | float,
    labels: list[str],
    edge: str,
    fill: str,
) -> dict:
    radii = pd.Series(radii, index=latitudes.index, dtype=float)
    points = [
        [round(float(lat), 5), round(float(lon), 5), round(float(r), 1), label]
        for lat, lon, r, label in zip(latitudes, longitudes, radii, labels, strict=True)
    ]
    return {"name": name, "edge": edge, "fill": fill, "points": points}


def count_overlay(
    name: str,
    points: pd.DataFrame,
    count: str,
    base: float,
    scale: float,
    colours: tuple[str, str],
    label: str,
) -> dict:
    """Circles at area label points, their area growing with the count."""
    values = points[count]
    return point_overlay(
        name,
        points["label_lat"],
        points["label_lon"],
        base + scale * np.sqrt(values.astype(float)),
        [label.format(v) for v in values],
        *colours,
    )


STOP_SEARCH_OVERLAY = "stop_search"
INSIGHTS_OVERLAY = "insights"
COUNT_OVERLAY_LABELS = {
    STOP_SEARCH_OVERLAY: "Stop and search",
    INSIGHTS_OVERLAY: "Workshop insights",
}


def stop_search_overlay(points: pd.DataFrame) -> dict:
    """Circles for LSOAs with 10 or more searches (points: label_lat, label_lon, searches)."""
    return count_overlay(
        "Stop and search (LSOAs with 10 or more)",
        points,
        "searches",
        2,
        1,
        ("#000000", "#ffffff"),
        "{:,} stop and searches",
    )


def insights_overlay(points: pd.DataFrame) -> dict:
    """Circles for areas with approved workshop insights (points: label_lat, label_lon,
    insights); areas without any are left out."""
    return count_overlay(
        "Workshop insights (approved)",
        points[points["insights"] > 0],
        "insights",
        5,
        2,
        ("#ffffff", "#1b7837"),
        "{} approved workshop insight(s)",
    )


def service_overlays(
    services: pd.DataFrame, types: Mapping[str, ServiceType] = SERVICE_TYPES
) -> list[dict]:
    """One layer per service type, named, labelled and coloured as its source declares it
    (data_loaders: `Source.service`). A type no source declares is an error, not grey dots."""
    overlays = []
    for service_type, rows in services.groupby("service_type"):
        if service_type not in types:
            raise KeyError(
                f"service type {service_type!r} is declared by no registered source; "
                f"declared: {', '.join(types)}"
            )
        kind = types[service_type]
        overlays.append(
            point_overlay(
                kind.label,
                rows["latitude"],
                rows["longitude"],
                4,
                [f"{kind.item_label}: {name}" for name in rows["name"]],
                "#ffffff",
                kind.colour,
            )
        )
    return overlays


# --- names drawn on the map (no tiles needed) --------------------------------------------

# Which names show at which zooms (Leaflet's; web Mercator): districts at the region's zoom,
# wards once zoomed in, MSOAs further in. Within the zooms shown, larger areas are placed
# first and a name that would overlap one already placed is left out (area_map.js).
LABEL_TIERS = (
    {"level": "lad", "min_zoom": 0, "max_zoom": 12, "class_name": "arp-label-lad"},
    {"level": "ward", "min_zoom": 12, "max_zoom": 15, "class_name": "arp-label-ward"},
    {"level": "msoa", "min_zoom": 13, "max_zoom": 99, "class_name": "arp-label-msoa"},
)
LABEL_DECIMALS = 4  # about 10 m: far finer than a label needs

# The place picker names what its step shows, at whatever zoom that step's 44 px tap
# targets need (a small district's wards can need zoom 16): the districts; a district's
# wards; then, over a ward's neighbourhoods (LSOAs have codes, not names), their MSOAs'.
PICKER_LABEL_LEVELS = {"lad": "lad", "ward": "ward", "lsoa": "msoa"}


def picker_label_tiers(step: str) -> tuple[dict, ...]:
    """LABEL_TIERS for the picker's step (a key of PICKER_LABEL_LEVELS): one tier, every zoom."""
    tier = next(t for t in LABEL_TIERS if t["level"] == PICKER_LABEL_LEVELS[step])
    return ({**tier, "min_zoom": 0, "max_zoom": 99},)


def place_labels(areas: pd.DataFrame, tiers: tuple[dict, ...] = LABEL_TIERS) -> dict:
    """The map's own labels from areas (level, name, label_lat, label_lon: a point inside
    the area, shapely's representative point, made at build time; geometry_display_wkb):
    [latitude, longitude, name, tier] by tier, then largest area first. Levels no tier
    names are left out."""
    tier_of = {tier["level"]: n for n, tier in enumerate(tiers)}
    rows = areas[areas["level"].isin(list(tier_of)) & areas["label_lat"].notna()].copy()
    rows["tier"] = rows["level"].map(tier_of)
    geometries = shapely.from_wkb([bytes(w) for w in rows["geometry_display_wkb"]])
    rows["size"] = shapely.area(geometries) if len(rows) else []
    rows = rows.sort_values(["tier", "size", "name"], ascending=[True, False, True])
    items = [
        [round(float(lat), LABEL_DECIMALS), round(float(lon), LABEL_DECIMALS), str(name), int(t)]
        for lat, lon, name, t in zip(
            rows["label_lat"], rows["label_lon"], rows["name"], rows["tier"], strict=True
        )
    ]
    drawn = [{k: v for k, v in tier.items() if k != "level"} for tier in tiers]
    label_id = hashlib.sha1(repr((drawn, items)).encode()).hexdigest()[:12]
    return {"id": label_id, "tiers": drawn, "items": items}


@dataclass(frozen=True)
class MapSpec:
    """What the browser draws, and the geometry ids it will hold once drawn."""

    data: dict
    classes: Classes
    colours: list[str]
    geometry_ids: tuple[str, ...]


def choropleth(
    frame: pd.DataFrame,
    title: str,
    unit: str,
    polarity: str,
    kind: str,
    tooltips: list[list[str]],
    scheme: str,
    source_line: str,
    *,
    scale: str = "continuous",
    geometry_version: str,
    held: Collection[str] = (),
    publish: Callable[[str, dict], str] | None = None,
    labels: list[list[str]] | None = None,
    districts: pd.DataFrame | None = None,
    overlays: list[dict] | None = None,
    tiles: bool = False,  # street tiles come from a third-party server: only when asked
    focus: str | None = None,
    height: int = 560,
    base_url_path: str = "",
    label: str | None = None,
    start_view: tuple[float, float, int] | None = None,
    view_in_url: bool = False,
    place_labels: dict | None = None,
    candidates: Collection[str] = (),
    marked: str | None = None,
    min_target_px: int | None = None,
    preview_action: str | None = "Open profile",
    legend: list[tuple[str, str]] | None = None,
) -> MapSpec:
    """Classed polygons, district outlines, optional point overlays and the legend.

    Each area's tooltip shows its `labels` lines (kept with the geometry), then its
    `tooltips` lines (this view's)."""
    classes, colours = coloured_classes(frame["value"], scheme, scale, polarity, kind)
    lines, compact = shared_lines(tooltips)
    view = {
        "classes": classes.index.tolist(),
        "palette": colours,
        "no_data": NO_DATA_COLOUR,
        "lines": lines,
        "tooltips": compact,
        "weight": 0.4,
    }
    view["id"] = hashlib.sha1(repr(sorted(view.items())).encode()).hexdigest()[:12]
    areas = geometry_layer(frame, geometry_version, held, publish, labels)
    outlines = (
        geometry_layer(districts, geometry_version, held, publish)
        if districts is not None and len(districts)
        else None
    )
    data = {
        "label": label or f"Map: {title}. The table below the map has the same values.",
        "height": height,
        "canvas": len(frame) > CANVAS_ABOVE,
        "scale": SCALE,
        "leaflet": leaflet_urls(base_url_path),
        "tiles": TILES if tiles else None,
        "areas": areas,
        "outlines": outlines,
        "overlays": overlays or [],
        "view": view,
        "legend": {
            "title": title,
            # A legend given whole (the place picker) judges nothing: no direction to say.
            "unit": unit
            if legend is not None
            else f"{unit} · {direction_words(polarity, kind, title, unit, scale)}",
            "rows": legend if legend is not None else legend_rows(classes, colours),
            "footer": source_line,
            "no_data": legend is None,  # a legend given whole has no "no data" row
        },
        "focus": focus,
        # Where a copied link left the map (else it fits the areas), and whether the map
        # writes its centre and zoom into the page's URL as it moves.
        "start_view": list(start_view) if start_view else None,
        "view_in_url": view_in_url,
        # Names drawn by the app; areas to fit and mark (search results); the smallest an
        # area may be drawn at the first zoom (a tap target, px); on a touch screen a tap
        # shows a card with this button rather than acting at once.
        "place_labels": place_labels,
        "candidates": list(candidates),
        "marked": marked,  # outlined, not zoomed to: the match chosen in the page's list
        "min_target_px": min_target_px,
        "preview": {"action": preview_action} if preview_action else None,
    }
    ids = tuple(layer["geometry_id"] for layer in (areas, outlines) if layer)
    return MapSpec(data, classes, colours, ids)


from arp.folium_map import to_folium  # noqa: E402, F401  (the map to share: arp/folium_map.py)
