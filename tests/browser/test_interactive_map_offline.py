"""The interactive map to share, opened as a person would open an email attachment: from a
file, in Chromium, with every request that is not for a file refused. It draws every area
and shows each area's name on hover; a hostile name shows as the text it is."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from arp import folium_map, map_views, view_state
from arp.framework import load_framework
from arp.workshop import Scenario
from tests.browser.test_hostile_text import AREA_NAME, INJECTED, watch_dialogs

pytestmark = pytest.mark.browser
HOSTILE_CODE = "E01000901"

# Each area's path, and the point of the page over its middle (where it is the top element).
AREA_POINTS = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const box = map.getContainer().getBoundingClientRect();
  const points = [];
  map.eachLayer((layer) => {
    if (!layer.feature || !layer._path || !layer._path.classList.contains("arp-area")) return;
    const at = map.latLngToContainerPoint(layer.getCenter());
    const x = box.left + at.x, y = box.top + at.y;
    points.push({ x: x, y: y, top: document.elementFromPoint(x, y) === layer._path,
                  name: layer.feature.properties.tooltip.split("\\n")[0] });
  });
  return points;
}"""


@pytest.fixture
def offline(browser, request):
    """A page that may load files and nothing else; `offline.asked` lists what it tried."""
    from tests.browser.conftest import keep_if_failed

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.asked = []

    def refuse_the_network(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            page.asked.append(route.request.url)
            route.abort()

    page.route("**/*", refuse_the_network)
    yield page
    keep_if_failed(page, request)
    context.close()


def open_offline(page, path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector(f"path.{folium_map.AREA_CLASS}")


def tooltip_after_hovering(page, point) -> str:
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    page.mouse.move(1, 899)  # off the areas: the tooltip closes
    tooltip.wait_for(state="detached")
    return text


def test_the_downloaded_map_draws_every_area_and_its_tooltips_with_no_network(
    server, desktop, offline, tmp_path
):
    desktop.goto(f"{server}/?show=no_car")
    button = desktop.get_by_role("button", name="Download interactive map")
    button.wait_for(timeout=60_000)
    with desktop.expect_download(timeout=60_000) as downloading:
        button.click()
    download = downloading.value
    assert download.suggested_filename == "arp-map-no_car-lsoa-E47000007.html"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    open_offline(offline, saved)
    assert offline.locator(f"path.{folium_map.AREA_CLASS}").count() == 4  # the fixture's LSOAs
    assert offline.locator(f"path.{folium_map.OUTLINE_CLASS}").count() == 2  # its districts
    assert offline.get_by_text("Darker = worse (higher values).").is_visible()
    assert offline.locator("h1").inner_text() == "Households with no car or van"
    points = offline.evaluate(AREA_POINTS)
    assert sorted(p["name"] for p in points) == [
        "Birmingham 001A",
        "Birmingham 001B",
        "Solihull 001A",
        "Solihull 001B",
    ]
    for point in points:
        assert point["top"], point  # nothing (legend, title) covers the area's middle
        text = tooltip_after_hovering(offline, point)
        assert text.splitlines()[0] == point["name"]
        assert "% of households (95% CI" in text
    assert offline.asked == []  # it never even tried the network


def test_a_hostile_area_name_shows_as_text_in_the_offline_tooltip(fixture_db, offline, tmp_path):
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    with duckdb.connect(str(database)) as con:
        con.execute(
            "update areas set name = $name, display_name = $name where code = $code",
            {"name": AREA_NAME, "code": HOSTILE_CODE},
        )
        state = view_state.ViewState(show="no_car")
        view = map_views.view_for(con, load_framework(), state, Scenario("Equal weights"))
        shared = folium_map.view_map(con, load_framework(), state, Scenario("Equal weights"))
    out = tmp_path / "map.html"
    folium_map.write_html(shared, out)
    dialogs = watch_dialogs(offline)
    open_offline(offline, out)
    assert offline.locator(f"path.{folium_map.AREA_CLASS}").count() == len(view.frame)
    (hostile,) = [p for p in offline.evaluate(AREA_POINTS) if "Hostile 001A" in p["name"]]
    text = tooltip_after_hovering(offline, hostile)
    assert text.splitlines()[0] == AREA_NAME  # the very text, markup and all
    offline.wait_for_timeout(300)  # an onerror handler would have run by now
    assert offline.evaluate(INJECTED) == [0, None]
    assert dialogs == []
    assert offline.asked == []
