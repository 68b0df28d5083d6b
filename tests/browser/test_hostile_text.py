"""Untrusted text in Chromium: an area's name, a workshop note, a layer's name and a legend
carrying markup and script are shown as the very text they are, and nothing they carry
becomes an element or runs.

Each hostile string, if it were ever handed to the browser as HTML, would add an element
of class arp-injected, an <img src=x>, or set window.arpInjected; the tests look for all
three in the page's DOM, and for any dialog, after the text has been shown."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from arp import insights
from tests.app.text_checks import CRAFTED
from tests.browser.conftest import streamlit_server
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser
AREAS = ".arp-map path.leaflet-interactive"
CODE = "E01000901"  # a fixture LSOA, drawn first


def hostile(label: str) -> str:
    return (
        f'<img src=x onerror="window.arpInjected=1"><script>window.arpInjected=2</script>'
        f'<b class="arp-injected">{label}</b> javascript:alert(3)'
    )


AREA_NAME = hostile("Hostile 001A")
# A second LSOA's name carries Markdown and bare addresses: st.table reads names as Markdown.
MARKDOWN_NAME = CRAFTED["markdown"] + " " + CRAFTED["html"]
MARKDOWN_CODE = "E01000904"
NOTE = hostile("a note") + " '); drop table insights; --"
LAYER = hostile("a layer")
INJECTED = "[document.querySelectorAll('.arp-injected, img[src=\"x\"]').length, window.arpInjected ?? null]"


def assert_nothing_injected(page, dialogs) -> None:
    page.wait_for_timeout(300)  # an onerror handler would have run by now
    assert page.evaluate(INJECTED) == [0, None]
    assert (
        page.evaluate(
            "[...document.scripts].filter(s => s.textContent.includes('arpInjected')).length"
        )
        == 0
    )
    assert dialogs == []


# The shown part of one of the map's shapes, in page coordinates. Where the map's fit puts
# the harness's one area depends on when the page settles its layout (under load, at the
# map's edge), so the test hovers what the map shows rather than the shape's own centre.
SHOWN_PART = """([selector, index]) => {
  const map = document.querySelector('.arp-map').getBoundingClientRect();
  const box = [...document.querySelectorAll(selector)].at(index).getBoundingClientRect();
  const left = Math.max(map.left, box.left), right = Math.min(map.right, box.right);
  const top = Math.max(map.top, box.top), bottom = Math.min(map.bottom, box.bottom);
  return right - left >= 6 && bottom - top >= 6 ? {left, right, top, bottom} : null;
}"""


def hover_shown_part(page, index: int, at: str) -> None:
    """Moves the pointer onto the shown part of the map's shape number `index` (-1: the
    last): its centre, or 3 px in from its top-left corner."""
    page.locator(".arp-map").scroll_into_view_if_needed()
    shown = page.wait_for_function(SHOWN_PART, arg=[AREAS, index], timeout=10_000).json_value()
    if at == "centre":
        x, y = (shown["left"] + shown["right"]) / 2, (shown["top"] + shown["bottom"]) / 2
    else:
        x, y = shown["left"] + 3, shown["top"] + 3
    page.mouse.move(x, y)


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


@pytest.fixture(scope="module")
def hostile_server(fixture_db, tmp_path_factory):
    """The app on a copy of the fixture database where one LSOA has a hostile name, with a
    hostile workshop note about it approved."""
    folder = tmp_path_factory.mktemp("hostile")
    database = folder / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    with duckdb.connect(str(database)) as con:
        con.execute(
            "update areas set name = $name, display_name = $name where code = $code",
            {"name": AREA_NAME, "code": CODE},
        )
        con.execute(
            "update areas set name = $name, display_name = $name where code = $code",
            {"name": MARKDOWN_NAME, "code": MARKDOWN_CODE},
        )
    workshop = folder / "workshop.sqlite3"
    saved = insights.save(
        workshop,
        insights.Insight(area_code=CODE, domain="access", kind="barrier", text=NOTE, consent=True),
    )
    insights.moderate(workshop, saved, "approve", "test")
    with streamlit_server(
        REPO_ROOT / "app.py",
        folder / "streamlit.log",
        ARP_DB=str(database),
        ARP_WORKSHOP_DB=str(workshop),
    ) as base:
        yield base


HARNESS = '''
"""The map component alone, drawing a spec whose every string is hostile."""
import pandas as pd
import shapely

from arp import maps
from arp.ui import map_element

frame = pd.DataFrame(
    {
        "code": ["A"],
        "name": [text["area"]],
        "geometry_display_wkb": [shapely.to_wkb(shapely.box(-1.91, 52.47, -1.88, 52.50))],
        "value": [1.0],
    }
)
points = pd.DataFrame({"label_lat": [52.485], "label_lon": [-1.895], "n": [9]})
overlay = maps.count_overlay(text["layer"], points, "n", 8, 1, ("#000000", "#ffffff"), text["layer"] + " {}")
map_element.area_map(
    "hostile",
    lambda **options: maps.choropleth(
        frame, text["layer"], text["layer"], "higher_is_worse", "level", [[text["area"], text["layer"]]],
        "quantiles", text["layer"], overlays=[overlay], tiles=False, **options,
    ),
    geometry_version="hostile",
)
'''


@pytest.fixture(scope="module")
def harness_server(tmp_path_factory):
    """The map component on a page of its own: layer names come from code, not from data,
    so this is where a hostile one can be given to it."""
    folder = tmp_path_factory.mktemp("harness")
    (folder / "static").symlink_to(REPO_ROOT / "static")  # Leaflet, as the app serves it
    script = folder / "harness.py"
    script.write_text(f"text = {json.dumps({'area': AREA_NAME, 'layer': LAYER})}\n{HARNESS}")
    with streamlit_server(script, folder / "streamlit.log", PYTHONPATH=str(REPO_ROOT)) as base:
        yield base


def test_a_hostile_area_name_shows_as_text_in_the_map_tooltip(hostile_server, phone):
    dialogs = watch_dialogs(phone)
    phone.goto(f"{hostile_server}/?show=no_car")
    phone.wait_for_selector(AREAS, timeout=30_000)
    phone.locator(AREAS).first.hover()
    tooltip = phone.locator(".leaflet-tooltip .arp-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.locator("strong").text_content() == AREA_NAME
    assert "Workshop insights here: 1" in tooltip.text_content()
    assert_nothing_injected(phone, dialogs)


def test_a_hostile_area_name_and_note_show_as_text_on_the_profile(hostile_server, phone):
    dialogs = watch_dialogs(phone)
    phone.goto(f"{hostile_server}/area_profile?area={CODE}")
    heading = phone.locator("h1").first
    heading.wait_for(timeout=30_000)
    assert heading.text_content() == AREA_NAME
    phone.get_by_text("What people said about this place").wait_for(timeout=30_000)
    # Each note whole, as text (st.text).
    notes = "[...document.querySelectorAll('[data-testid=stText]')].map(e => e.textContent)"
    phone.wait_for_function(f"{notes}.some(t => t.includes('a note'))", timeout=30_000)
    assert NOTE in phone.evaluate(notes)
    assert_nothing_injected(phone, dialogs)


def test_a_hostile_area_name_shows_as_text_heading_a_comparison(hostile_server, phone):
    dialogs = watch_dialogs(phone)
    phone.goto(f"{hostile_server}/compare?level=lsoa&compare={CODE},{MARKDOWN_CODE}")
    # st.table reads its headings as Markdown: the names arrive escaped and show as
    # themselves (widgets.literal), with no link, image, icon or bold text made of them.
    headings = "[...document.querySelectorAll('[data-testid=stTable] th')].map(e => e.textContent)"
    phone.wait_for_function(f"{headings}.some(t => t.includes('Hostile 001A'))", timeout=30_000)
    shown = [t.replace("\u2060", "") for t in phone.evaluate(headings)]
    assert AREA_NAME in shown
    assert MARKDOWN_NAME in shown
    rendered = phone.evaluate(
        "[...document.querySelectorAll('[data-testid=stTable] :is(a, img, strong, em, .katex, "
        "span[aria-label$=icon])')].map(e => e.outerHTML)"
    )
    assert rendered == []
    assert_nothing_injected(phone, dialogs)


def test_a_hostile_layer_name_legend_and_point_label_show_as_text(harness_server, phone):
    dialogs = watch_dialogs(phone)
    phone.goto(harness_server)
    phone.wait_for_selector(AREAS, timeout=30_000)
    # Leaflet's layer control reads names as HTML: the map hands it escaped text.
    names = phone.locator(".leaflet-control-layers-overlays label > span > span")
    assert [n.strip() for n in names.all_text_contents()] == [LAYER]
    assert phone.locator(".arp-legend-title").text_content() == LAYER
    hover_shown_part(phone, -1, at="centre")  # the overlay's circle
    point = phone.locator(".leaflet-tooltip")
    point.wait_for(timeout=10_000)
    assert point.text_content() == f"{LAYER} 9"
    phone.mouse.move(5, 5)
    hover_shown_part(phone, 0, at="corner")  # the area, clear of the circle
    area = phone.locator(".leaflet-tooltip .arp-tooltip")
    area.wait_for(timeout=10_000)
    assert [r.text_content() for r in area.locator(":scope > *").all()] == [AREA_NAME, LAYER]
    assert_nothing_injected(phone, dialogs)
