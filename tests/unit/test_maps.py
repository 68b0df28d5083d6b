"""Map building blocks: classes, palettes, the compact geometry, and escaping."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from arp import maps


def test_quintiles_put_a_fifth_of_areas_in_each_class_and_leave_gaps_empty():
    values = pd.Series([*range(1, 11), np.nan], dtype=float)
    classes = maps.classify(values, "quantiles")
    assert classes.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, -1]
    assert classes.bounds == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])
    assert classes.minimum == 1.0


@pytest.mark.parametrize("scheme", list(maps.SCHEMES))
def test_every_scheme_classifies(scheme):
    values = pd.Series(np.linspace(0, 100, 50))
    classes = maps.classify(values, scheme)
    assert classes.index.min() == 0
    assert classes.index.max() == len(classes.bounds) - 1
    assert classes.bounds[-1] == 100.0


def test_a_single_value_is_one_class():
    classes = maps.classify(pd.Series([5.0, 5.0, np.nan]), "quantiles")
    assert classes.index.tolist() == [0, 0, -1]


@pytest.mark.parametrize("scheme", list(maps.SCHEMES))
def test_deciles_are_ten_named_categories_whatever_the_scheme(scheme):
    values = pd.Series([1.0, 1.0, 2.0, 10.0, np.nan])
    classes = maps.classify(values, scheme, "decile")
    assert classes.index.tolist() == [0, 0, 1, 9, -1]
    colours = maps.colours_for("higher_is_better", "level", 10)
    rows = maps.legend_rows(classes, colours)
    assert len(rows) == 10
    assert rows[0] == (colours[0], "1 — most deprived 10% in England")
    assert rows[1][1] == "2 — 10 to 20% most deprived"
    assert rows[9][1] == "10 — least deprived 10% in England"
    assert colours[0] == "#7f0000"  # decile 1, the most deprived, is the darkest
    assert not any(" to 1.00" in label for _, label in rows)


def test_darker_means_worse_whatever_the_direction():
    worse_high = maps.colours_for("higher_is_worse", "level", 5)
    better_high = maps.colours_for("higher_is_better", "level", 5)
    assert worse_high == better_high[::-1]
    assert worse_high[-1] == "#7f0000"  # the darkest for the highest, worst, values
    assert maps.colours_for("no_judgement", "context", 5)[0] == "#f7fbff"  # neutral blues


def test_geometry_round_trips_through_the_compact_encoding():
    polygon = shapely.Polygon([(-1.9, 52.48), (-1.89, 52.48), (-1.89, 52.49), (-1.9, 52.48)])
    (rings,) = maps.encode_geometry(shapely.to_wkb(polygon))
    decoded = np.cumsum(np.array(rings[0]).reshape(-1, 2), axis=0) / maps.SCALE
    assert np.allclose(decoded, np.asarray(polygon.exterior.coords), atol=1e-5)


def squares(codes, values):
    return pd.DataFrame(
        {
            "code": codes,
            "name": [f"Area {c}" for c in codes],
            "geometry_display_wkb": [
                shapely.to_wkb(shapely.box(-1.9 + i / 100, 52.48, -1.89 + i / 100, 52.49))
                for i in range(len(codes))
            ],
            "value": values,
        }
    )


def spec_for(frame, **options):
    return maps.choropleth(
        frame,
        "Title",
        "%",
        "higher_is_worse",
        "level",
        [[name] for name in frame["name"]],
        "quantiles",
        "Source line",
        geometry_version="build-1",
        **options,
    )


def test_geometry_is_sent_until_the_browser_holds_it():
    frame = squares(["A", "B", "C"], [1.0, 2.0, 3.0])
    first = spec_for(frame)
    areas = first.data["areas"]
    assert areas["codes"] == ["A", "B", "C"]
    assert len(areas["geometry"]) == 3
    again = spec_for(frame, held=first.geometry_ids)
    assert again.data["areas"] == {"geometry_id": areas["geometry_id"]}
    # Other polygons, another order or another build: another id, so they are sent.
    assert (
        spec_for(squares(["B", "A", "C"], [1.0, 2.0, 3.0]), held=first.geometry_ids)
        .data["areas"]
        .get("geometry")
    )
    assert maps.geometry_id(["A", "B", "C"], "build-2") != areas["geometry_id"]


def test_the_spec_carries_classes_and_legend_for_each_area():
    frame = squares(["A", "B", "C", "D"], [1.0, 2.0, None, 4.0])
    spec = spec_for(frame)
    view = spec.data["view"]
    assert view["classes"][2] == -1  # no value: the hatched no-data swatch
    assert view["classes"][0] == 0
    assert next(label for _, label in spec.data["legend"]["rows"]).startswith("1.00 to")
    assert len(view["palette"]) == len(spec.classes.bounds)
    assert spec.data["canvas"] is False
    assert (
        spec_for(frame, districts=frame).data["outlines"]["geometry_id"]
        == (spec.data["areas"]["geometry_id"])
    )


def test_a_new_view_of_the_same_areas_gets_a_new_view_id():
    frame = squares(["A", "B", "C"], [1.0, 2.0, 3.0])
    first = spec_for(frame).data["view"]["id"]
    assert spec_for(frame).data["view"]["id"] == first
    assert spec_for(frame.assign(value=[3.0, 2.0, 1.0])).data["view"]["id"] != first


def test_untrusted_text_travels_as_typed_for_the_browser_to_set_as_text():
    hostile = "</script><img src=x onerror=alert(1)>"
    frame = squares(["A"], [1.0]).assign(name=[hostile])
    spec = maps.choropleth(
        frame,
        hostile,
        "%",
        "higher_is_worse",
        "level",
        [[hostile]],
        "quantiles",
        hostile,
        geometry_version="v",
    )
    # Not pre-escaped (the browser would show "&lt;"), never used as HTML by area_map.js.
    assert spec.data["view"]["tooltips"] == [[hostile]]
    assert spec.data["legend"]["title"] == hostile
    assert html_sinks(MAP_SCRIPT) == []


MAP_SCRIPT = (Path(maps.__file__).parent / "area_map.js").read_text(encoding="utf-8")
_QUOTE = r"""["'`]"""
# Every way the map's script could hand a string to the browser (or to Leaflet) as markup:
# (inner|outer)HTML written by dot or bracket, with any spacing or compound assignment; the
# HTML-parsing calls; document.write; and Leaflet's methods that read a string as HTML
# unless given a function (the script passes functions that return elements).
HTML_SINK = re.compile(
    rf"""
      (?:\.\s*|\[\s*{_QUOTE})(?:inner|outer)HTML(?:{_QUOTE}\s*\])?\s*(?:[+|&?]{{1,2}})?=(?!=)
    | \b(?:insertAdjacentHTML|createContextualFragment|setHTMLUnsafe|parseHTMLUnsafe|srcdoc)\b
    | \bparseFromString\b
    | \bdocument\s*(?:\.\s*|\[\s*{_QUOTE})write(?:ln)?\b
    | \b(?:bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\s*\(
        (?!\s*(?:\([^()]*\)|\w+)\s*=>|\s*function\b)
    | \bhtml\s*:
    """,
    re.VERBOSE,
)


def without_comments(script: str) -> str:
    """The script with its comments blanked, strings kept (bracket access uses strings)."""
    out, i, quote = [], 0, None
    while i < len(script):
        char, pair = script[i], script[i : i + 2]
        if quote:
            out.append(char)
            if char == "\\":
                out.append(script[i + 1 : i + 2])
                i += 1
            elif char == quote:
                quote = None
        elif pair in ("//", "/*"):
            end = script.find("\n" if pair == "//" else "*/", i + 2)
            i = len(script) if end < 0 else end + (0 if pair == "//" else 2)
            continue
        else:
            quote = char if char in "'\"`" else None
            out.append(char)
        i += 1
    return "".join(out)


def html_sinks(script: str) -> list[str]:
    return [m.group(0) for m in HTML_SINK.finditer(without_comments(script))]


@pytest.mark.parametrize(
    "line",
    [
        "el.innerHTML = text;",
        "el.innerHTML=text;",
        "el . innerHTML\n  += text;",
        "el['innerHTML'] = text;",
        'el[ "outerHTML" ]=text;',
        "el[`innerHTML`] ||= text;",
        'el.insertAdjacentHTML("beforeend", text);',
        "document.write(text);",
        'document["writeln"](text);',
        "document .write (text);",
        "range.createContextualFragment(text);",
        "new DOMParser().parseFromString(text, 'text/html');",
        "shape.bindTooltip(text);",
        "shape.bindPopup(`<b>${name}</b>`);",
        "tooltip.setContent(name);",
        "L.divIcon({ html: name });",
    ],
)
def test_the_markup_check_catches_every_spelling(line):
    assert html_sinks(f"function f(el, text) {{\n  {line}\n}}\n")


@pytest.mark.parametrize(
    "line",
    [
        "return holder.innerHTML;",
        "if (el.innerHTML === text) return;",
        "// el.innerHTML = text; (a comment)",
        "/* document.write(text) */",
        'const label = "innerHTML = is only a string here";',
        "shape.bindTooltip(() => textBox(lines), { sticky: true });",
        "shape.bindTooltip((layer) => box(layer));",
        "row.textContent = line;",
    ],
)
def test_the_markup_check_leaves_safe_code_alone(line):
    assert html_sinks(f"function f(el, text) {{\n  {line}\n}}\n") == []


def test_the_map_reads_markup_only_to_escape_layer_names_for_leaflet():
    code = without_comments(MAP_SCRIPT)
    reads = [
        code[: m.start()].rsplit("function ", 1)[-1].split("(")[0]
        for m in re.finditer(r"(?:inner|outer)HTML", code)
    ]
    assert reads == ["asHtmlText"]


def test_point_overlays_keep_labels_and_scale_circles_by_count():
    points = pd.DataFrame({"label_lat": [52.5, 52.6], "label_lon": [-1.9, -1.8], "n": [1, 16]})
    overlay = maps.count_overlay("Searches", points, "n", 2, 1, ("#000", "#fff"), "{} searches")
    assert overlay["points"] == [[52.5, -1.9, 3.0, "1 searches"], [52.6, -1.8, 6.0, "16 searches"]]


def test_leaflet_is_served_by_the_app_under_its_base_path_with_its_version(monkeypatch, tmp_path):
    local = tmp_path / "leaflet.js"
    local.write_text("window.L = {};")
    (tmp_path / "leaflet.css").write_text(".leaflet-pane {}")
    monkeypatch.setattr(maps, "LOCAL_LEAFLET", local)
    script_version = hashlib.sha256(b"window.L = {};").hexdigest()[:12]
    css_version = hashlib.sha256(b".leaflet-pane {}").hexdigest()[:12]
    # The version in the URL lets serve.py mark the file immutable (arp.web).
    assert maps.leaflet_urls("")["script"] == (
        f"/app/static/vendor/leaflet/leaflet.js?v={script_version}"
    )
    assert maps.leaflet_urls("/arp/")["stylesheet"] == (
        f"/arp/app/static/vendor/leaflet/leaflet.css?v={css_version}"
    )
    monkeypatch.setattr(maps, "LOCAL_LEAFLET", tmp_path / "missing.js")
    assert maps.leaflet_urls("")["script"].startswith("https://unpkg.com/leaflet@1.9.4/")


def test_a_view_of_many_areas_is_simplified_to_its_scale_keeping_neighbours_touching(
    monkeypatch,
):
    # Two neighbours sharing a wiggly edge of 200 vertices, 1 km apart in all.
    ys = np.linspace(52.0, 52.01, 200)
    edge = np.c_[-1.5 + 0.0000005 * np.sin(np.arange(200)), ys]  # wiggles under a pixel
    west = shapely.Polygon([(-1.51, 52.0), *edge, (-1.51, 52.01)])
    east = shapely.Polygon([(-1.49, 52.0), *edge, (-1.49, 52.01)])
    wkbs = pd.Series([shapely.to_wkb(west), shapely.to_wkb(east)])
    kept = maps.view_geometry(wkbs)
    assert shapely.get_num_coordinates(kept).sum() == 2 * 203  # a small view: as built
    monkeypatch.setattr(maps, "CANVAS_ABOVE", 1)
    simplified = maps.view_geometry(wkbs)
    assert shapely.get_num_coordinates(simplified).sum() < 2 * 203 / 4
    # Still a coverage: no gap and no overlap between the two.
    assert shapely.union_all(simplified).area == pytest.approx(west.area + east.area, rel=1e-6)
    assert shapely.intersection(*simplified).area == pytest.approx(0, abs=1e-12)


def test_tooltip_lines_shared_by_areas_travel_once_and_read_back_the_same():
    tooltips = [
        ["12.0 %", "Percentile in the area mapped: 50", "⚑ In the worst 10% of areas mapped"],
        ["3.0 %", "Percentile in the area mapped: 50"],
        ["No data"],
    ]
    shared, compact = maps.shared_lines(tooltips)
    assert shared == ["Percentile in the area mapped: 50"]
    assert compact[1] == ["3.0 %", 0]
    frame = squares(["A", "B", "C"], [12.0, 3.0, None])
    labels = [["Area A", "A"], ["Area B", "B"], ["Area C", "C"]]
    spec = maps.choropleth(
        frame,
        "T",
        "%",
        "higher_is_worse",
        "level",
        tooltips,
        "quantiles",
        "S",
        geometry_version="v",
        labels=labels,
    )
    assert spec.data["areas"]["labels"] == labels  # with the polygons, not the view
    assert maps.tooltip_texts(spec.data) == [
        lab + t for lab, t in zip(labels, tooltips, strict=True)
    ]


def test_published_geometry_carries_codes_and_labels_and_the_spec_only_its_url():
    published = {}

    def publish(geometry_id, payload):
        published[geometry_id] = payload
        return f"/arp-geometry/{geometry_id}.json"

    frame = squares(["A", "B"], [1.0, 2.0])
    spec = spec_for(frame, publish=publish, labels=[["Area A", "A"], ["Area B", "B"]])
    areas = spec.data["areas"]
    assert set(areas) == {"geometry_id", "url"}
    assert areas["url"] == f"/arp-geometry/{areas['geometry_id']}.json"
    payload = published[areas["geometry_id"]]
    assert payload["codes"] == ["A", "B"]
    assert payload["labels"] == [["Area A", "A"], ["Area B", "B"]]
    assert len(payload["geometry"]) == 2
    # Held in the browser or not, the URL is always named: the browser's cache decides.
    again = spec_for(frame, publish=publish, held=spec.geometry_ids)
    assert again.data["areas"]["url"] == areas["url"]


def test_a_rank_change_is_classed_symmetrically_about_no_change():
    # Movers: 30, 3, 2 and 40 places; their median move, 16.5, rounds up to 17.
    shifts = pd.Series([-30.0, -3.0, 0.0, 2.0, 40.0, np.nan, -17.0, 17.0])
    classes = maps.classify(shifts, "quantiles", maps.SHIFT_SCALE)
    assert classes.index.tolist() == [0, 1, 2, 3, 4, -1, 0, 4]
    assert classes.labels == (
        "17 places or more further from the worst",
        "1 to 16 places further from the worst",
        "No change",
        "1 to 16 places nearer the worst",
        "17 places or more nearer the worst",
    )
    # The scheme does not move them: the same classes for every scheme.
    other = maps.classify(shifts, "natural_breaks", maps.SHIFT_SCALE)
    assert (other.index.tolist(), other.labels) == (classes.index.tolist(), classes.labels)


def test_a_rank_change_of_one_place_reads_in_the_singular():
    classes = maps.classify(pd.Series([-1.0, 1.0, 0.0]), "quantiles", maps.SHIFT_SCALE)
    assert classes.index.tolist() == [1, 3, 2]
    assert classes.labels[1] == "1 place further from the worst"
    assert classes.labels[4] == "2 places or more nearer the worst"


def test_a_rank_change_is_coloured_red_nearer_the_worst_and_blue_further():
    classes, colours = maps.coloured_classes(
        pd.Series([-5.0, 0.0, 5.0]), "quantiles", maps.SHIFT_SCALE, "higher_is_worse", "level"
    )
    assert colours == maps.DIVERGING  # the pale middle is "no change"
    legend = maps.legend_rows(classes, colours)
    assert legend[0] == ("#2166ac", "5 places or more further from the worst")
    assert legend[4] == ("#b2182b", "5 places or more nearer the worst")
    words = maps.direction_words("higher_is_worse", "level", scale=maps.SHIFT_SCALE)
    assert words == "red = nearer the worst, blue = further from it"


def test_an_areas_rank_change_is_said_in_words():
    from arp.map_views import shift_words

    assert shift_words(0) == "No change in rank"
    assert shift_words(1) == "1 place nearer the worst"
    assert shift_words(-1) == "1 place further from the worst"
    assert shift_words(1250) == "1,250 places nearer the worst"
    assert shift_words(-3) == "3 places further from the worst"


def _label_areas() -> pd.DataFrame:
    """Two districts, a ward and an MSOA, each a square of its own size (the larger placed
    first); a ward with no label point and an LSOA (no tier names LSOAs): both left out."""
    squares = [shapely.box(0, 0, side, side) for side in (1.0, 2.0, 0.5, 0.2, 0.1, 0.4)]
    return pd.DataFrame(
        {
            "level": ["lad", "lad", "ward", "msoa", "lsoa", "ward"],
            "name": [
                "Small district",
                "Big district",
                "A ward",
                "An MSOA",
                "E01000001",
                "No point",
            ],
            "label_lat": [52.1, 52.2, 52.3, 52.4, 52.5, None],
            "label_lon": [-1.1, -1.2, -1.3, -1.4, -1.5, None],
            "geometry_display_wkb": [shapely.to_wkb(square) for square in squares],
        }
    )


def test_the_maps_own_names_show_by_zoom_larger_areas_first():
    labels = maps.place_labels(_label_areas())
    assert [item[2:] for item in labels["items"]] == [
        ["Big district", 0],
        ["Small district", 0],
        ["A ward", 1],
        ["An MSOA", 2],
    ]
    assert [(t["min_zoom"], t["max_zoom"]) for t in labels["tiers"]] == [
        (0, 12),
        (12, 15),
        (13, 99),
    ]


@pytest.mark.parametrize(
    ("step", "named"),
    [("lad", ["Big district", "Small district"]), ("ward", ["A ward"]), ("lsoa", ["An MSOA"])],
)
def test_the_place_picker_names_what_its_step_shows_at_every_zoom(step, named):
    labels = maps.place_labels(_label_areas(), maps.picker_label_tiers(step))
    assert [item[2] for item in labels["items"]] == named
    assert [(t["min_zoom"], t["max_zoom"]) for t in labels["tiers"]] == [(0, 99)]
    # A different set of names is a new id, so the browser redraws them.
    assert labels["id"] != maps.place_labels(_label_areas())["id"]
