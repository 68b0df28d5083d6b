"""The interactive map to share (arp/folium_map.py), made for real from the fixture database:
the live map's classes, legend, tooltips, title, source and date; every database or user
string escaped; nothing fetched from elsewhere."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date

import duckdb
import folium
import pandas as pd
import pytest
import shapely

from arp import cli, folium_map, map_views, maps, settings, view_state
from arp.framework import load_framework
from arp.workshop import Scenario

MADE = date(2026, 3, 14)
HOSTILE_CODE = "E01000901"
HOSTILE_NAME = '<img src=x onerror="alert(1)"></script><script>alert(2)</script> & "Co"'
HOSTILE_SCENARIO = "<b>Room</b> & co's </script> weights"
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "code.jquery.com")


@pytest.fixture
def con(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def hostile_db(fixture_db, tmp_path_factory):
    """The fixture database with one LSOA named in markup and script."""
    database = tmp_path_factory.mktemp("hostile_folium") / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "update areas set name = $name, display_name = $name where code = $code",
            {"name": HOSTILE_NAME, "code": HOSTILE_CODE},
        )
    return database


def page_of(con, state: view_state.ViewState, scenario: Scenario | None = None) -> str:
    shared = folium_map.view_map(
        con,
        load_framework(),
        state,
        scenario or Scenario("Equal weights"),
        public_url="https://arp.example",
        made=MADE,
    )
    return folium_map.html_document(shared)


def layers(page: str) -> list[dict]:
    """The GeoJSON collections in the page, in the order they are drawn."""
    return [json.loads(data) for data in re.findall(r"_add\((\{.*?\})\);\n", page)]


def styles(page: str, count: int) -> list[dict]:
    """The style of each of `count` areas, read from folium's style function in the page (a
    switch on the feature id; the most common style is its default)."""
    body = page[page.index("_styler(feature)") :]
    body = body[: body.index("}\n", body.index("default:"))]
    cases, default = body.split("default:")
    by_id = {}
    for ids, style in re.findall(r"((?:case \d+: )+)\s*return (\{.*?\});", cases, re.S):
        for feature_id in re.findall(r"case (\d+):", ids):
            by_id[int(feature_id)] = json.loads(style)
    fallback = json.loads(re.search(r"return (\{.*?\});", default, re.S).group(1))
    return [by_id.get(i, fallback) for i in range(count)]


def test_the_shared_map_has_the_live_maps_classes_colours_and_legend(con):
    state = view_state.ViewState(show="no_car", level="lsoa", scheme="equal_interval")
    page = page_of(con, state)
    view = map_views.view_for(con, load_framework(), state, Scenario("Equal weights"))
    live = map_views.map_spec(view, state.scheme, "source", geometry_version="v").data
    # equal intervals over the fixture's 50, 20, 20, 10: three classes of 13.3 points
    assert [label for _, label in live["legend"]["rows"]] == [
        "10.0 to 23.3",
        "23.3 to 36.7",
        "36.7 to 50.0",
    ]
    for colour, label in live["legend"]["rows"]:
        assert f'style="background:{colour}"></span>{label}</div>' in page
    assert "Suppressed or no data" in page
    assert "Darker = worse (higher values)." in page
    areas, outlines = layers(page)
    assert len(areas["features"]) == len(view.frame) == 4
    assert len(outlines["features"]) == 2  # Birmingham and Solihull
    fills = styles(page, 4)
    for feature in areas["features"]:
        i = feature["id"]
        assert fills[i]["fillColor"] == live["view"]["palette"][live["view"]["classes"][i]]
        assert fills[i]["className"] == folium_map.AREA_CLASS


def test_tooltips_carry_the_live_maps_lines_and_the_page_its_title_source_and_date(con):
    state = view_state.ViewState(show="no_car", scheme="equal_interval")
    page = page_of(con, state)
    view = map_views.view_for(con, load_framework(), state, Scenario("Equal weights"))
    expected = [map_views.tooltip_lines(row, view) for row in view.frame.to_dict("records")]
    (areas, _) = layers(page)
    assert [f["properties"]["tooltip"].split("\n") for f in areas["features"]] == expected
    assert expected[0] == [
        "Birmingham 001A",
        "E01000901",
        "50.0 % of households (95% CI 46.0 to 54.0)",
        "Percentile in the area mapped: 100",
    ]
    assert "<title>Households with no car or van</title>" in page
    assert "<h1>Households with no car or van</h1>" in page
    assert "LSOAs in West Midlands Combined Authority · Census 2021" in page
    assert "Census 2021. Made 14 Mar 2026. " in page
    assert "Source: Office for National Statistics" in page
    assert 'href="https://arp.example/?show=no_car&amp;scheme=equal_interval"' in page


def test_deciles_are_ten_named_classes_and_lower_is_worse(con):
    view = map_views.MapView(
        map_views.areas_within(con, "lsoa", "E47000007").assign(value=[1.0, 2.0, 10.0, None]),
        "IMD decile",
        "national decile",
        "higher_is_better",
        "level",
        "IoD2025",
        "",
        scale="decile",
    )
    page = folium_map.html_document(maps.to_folium(view, made=MADE))
    for decile in maps.DECILES:
        assert maps.decile_label(decile) in page
    assert "Darker = worse (decile 1 darkest)." in page
    fills = styles(page, 4)
    palette = maps.colours_for("higher_is_better", "level", 10)
    assert [fills[i]["fillColor"] for i in range(4)] == [
        palette[0],
        palette[1],
        palette[9],
        maps.NO_DATA_COLOUR,
    ]
    assert fills[3]["dashArray"] == "3 3"  # no data: hatched edge, as on the live map


def test_a_hostile_area_name_and_scenario_are_escaped_everywhere(hostile_db):
    with duckdb.connect(str(hostile_db), read_only=True) as con:
        indicator = page_of(con, view_state.ViewState(show="no_car"))
        composite = page_of(
            con,
            view_state.ViewState(show="overall", scenario=HOSTILE_SCENARIO),
            Scenario(HOSTILE_SCENARIO),
        )
    for page in (indicator, composite):
        assert HOSTILE_NAME not in page
        assert "<img" not in page
        assert "<script>alert" not in page
        assert "</script><script>" not in page
        (areas, _) = layers(page)
        (hostile,) = [f for f in areas["features"] if HOSTILE_CODE in f["properties"]["tooltip"]]
        # JSON-decoded, the tooltip is the name escaped once: the browser shows it as text
        assert hostile["properties"]["tooltip"].split("\n")[0] == html.escape(HOSTILE_NAME)
    assert f"weights: {html.escape(HOSTILE_SCENARIO)}" in composite
    # the caveat names the scenario (escaped) and how much the worst 10% depends on it
    assert f"Weights: {html.escape(HOSTILE_SCENARIO)}. " in composite
    assert "depend on the weights" in composite
    assert "<b>Room</b>" not in composite


def test_every_text_in_the_title_legend_and_footer_is_escaped(con):
    """Titles, units, caveats, the source and the link are put in the page as HTML."""
    markup = '<b class="injected">{}</b><img src=x>'
    view = map_views.MapView(
        map_views.areas_within(con, "lsoa", "E47000007").assign(value=[1.0, 2.0, 3.0, 4.0]),
        markup.format("title"),
        markup.format("unit"),
        "higher_is_worse",
        "level",
        "period",
        markup.format("caveat"),
    )
    page = folium_map.html_document(
        maps.to_folium(
            view,
            subtitle=markup.format("subtitle"),
            source=markup.format("source"),
            link='https://arp.example/?show="><script>alert(1)</script>',
        )
    )
    assert "<b class" not in page
    assert "<img" not in page
    assert "<script>alert" not in page
    for part in ("title", "unit", "caveat", "subtitle", "source"):
        assert html.escape(markup.format(part)) in page
    assert 'href="https://arp.example/?show=&quot;&gt;&lt;script&gt;' in page


def test_the_page_fetches_nothing_from_elsewhere(con):
    page = page_of(con, view_state.ViewState(show="no_car"))
    assert folium_map.EXTERNAL_RESOURCE.search(page) is None
    for host in (*CDN_HOSTS, "tile.openstreetmap.org", "bootstrapcdn"):
        assert host not in page
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", page)
    assert "tile_layer_" not in page  # folium names a tile layer so: there is none
    assert "url(data:image/png;base64," in page  # Leaflet's images, inside its stylesheet
    assert (settings.leaflet_dir() / "leaflet.js").read_text()[:2000] in page


def test_a_page_left_with_folium_cdn_links_is_refused():
    with pytest.raises(ValueError, match="would fetch from elsewhere"):
        folium_map.html_document(folium.Map(tiles=None))


def test_without_the_vendored_leaflet_the_map_says_how_to_get_it(con, tmp_path):
    view = map_views.view_for(
        con, load_framework(), view_state.ViewState(show="no_car"), Scenario("Equal weights")
    )
    with pytest.raises(folium_map.LeafletMissing, match=r"python -m arp\.leaflet"):
        maps.to_folium(view, leaflet_folder=tmp_path)


def test_street_tiles_only_when_asked(con):
    view = map_views.view_for(
        con, load_framework(), view_state.ViewState(show="no_car"), Scenario("Equal weights")
    )
    asked = maps.to_folium(view, tiles="OpenStreetMap").get_root().render()
    assert "tile_layer_" in asked
    assert "tile.openstreetmap.org" in asked


def test_geometry_is_rounded_and_points_made_equal_are_kept_once():
    polygon = shapely.Polygon(
        [(-1.900001, 52.48), (-1.899999, 52.48), (-1.89, 52.48), (-1.89, 52.4912345), (-1.9, 52.48)]
    )
    geometry = folium_map.geojson_geometry(polygon, precision=4)
    assert geometry == {
        "type": "Polygon",
        "coordinates": [[[-1.9, 52.48], [-1.89, 52.48], [-1.89, 52.4912], [-1.9, 52.48]]],
    }
    sliver = shapely.Polygon([(0, 0), (0.00001, 0), (0.00001, 0.00001), (0, 0)])
    assert folium_map.geojson_geometry(sliver, precision=4) is None


def test_simplified_neighbours_still_share_their_edge():
    left = shapely.Polygon([(0, 0), (1, 0), (1, 0.5), (1.001, 0.6), (1, 1), (0, 1)])
    right = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.001, 0.6), (1, 0.5)])
    wkbs = [shapely.to_wkb(left), shapely.to_wkb(right)]
    a, b = (shapely.geometry.shape(g) for g in folium_map.share_geometry(pd.Series(wkbs)))
    assert a.intersection(b).length == pytest.approx(1.0, abs=1e-3)  # the edge, whole
    assert a.intersection(b).area == pytest.approx(0.0, abs=1e-9)  # and no overlap


def test_cli_writes_the_interactive_map(fixture_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    out = tmp_path / "map.html"
    args = ["export", "map", "--out", str(out), "--db", str(fixture_db)]
    assert cli.main([*args, "--indicator", "no_car", "--level", "msoa"]) == 0
    assert "opens with no internet" in capsys.readouterr().out
    page = out.read_text()
    (areas, _outlines) = layers(page)
    assert len(areas["features"]) == 2  # the fixture's two MSOAs
    assert "MSOAs in West Midlands Combined Authority" in page
    assert folium_map.EXTERNAL_RESOURCE.search(page) is None
    # no --indicator: the map page's first view (not loaded in the fixture: all no data)
    assert cli.main(args) == 0
    assert "Index of Multiple Deprivation" in out.read_text()
    assert cli.main([*args, "--indicator", "nonsense"]) == 2


@pytest.mark.parametrize(
    ("polarity", "kind", "words"),
    [
        ("higher_is_worse", "level", "Darker = worse (higher values)."),
        ("higher_is_better", "level", "Darker = worse (lower values)."),
        ("no_judgement", "context", "neither better nor worse"),
        ("higher_is_worse", "context", "neither better nor worse"),  # neutral palette
    ],
)
def test_the_legend_says_which_way_is_worse_as_the_palette_does(polarity, kind, words):
    assert words in folium_map.worse_direction(polarity, kind)
    neutral = maps.colours_for(polarity, kind, 5)[0] == maps.SEQUENTIAL_NEUTRAL[0]
    assert neutral == ("neither" in words)
