"""`arp app`'s server (serve.py) in Chromium: the map's geometry comes as a compressed file
the browser keeps, so a return visit downloads none; without it, the map still draws from
its message; Streamlit's bundle and the icon font travel compressed and cut, cached a year,
and the page asks for the map's code with itself."""

from __future__ import annotations

import re
import urllib.request

import brotli
import pytest

from tests.browser.conftest import module_server
from tests.browser.test_map_in_chromium import AREAS, area_polygons, map_messages, wait_for_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(fixture_db, workshop_path, tmp_path_factory):
    with module_server(fixture_db, workshop_path, tmp_path_factory, "serve") as base:
        yield base


def geometry_responses(page) -> list[dict]:
    """Each geometry file the page receives: its URL, headers and whether the browser's
    disk cache answered (Chrome DevTools Protocol: the only place that says so)."""
    seen: list[dict] = []
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")

    def on_response(event):
        response = event["response"]
        if "/arp-geometry/" in response["url"]:
            headers = {k.lower(): v for k, v in response["headers"].items()}
            seen.append({**headers, "url": response["url"], "cached": response["fromDiskCache"]})

    cdp.on("Network.responseReceived", on_response)
    return seen


def test_the_map_draws_from_a_cached_geometry_file_and_a_return_visit_fetches_none(served, phone):
    received = map_messages(phone)
    files = geometry_responses(phone)
    phone.goto(f"{served}/?show=no_car")
    wait_for_map(phone)
    assert area_polygons(phone) == 4
    assert not any('"geometry":' in m for m in received)  # no polygons in the websocket
    areas = [f for f in files if not f["cached"]]
    assert areas, "the map fetched no geometry file"
    assert all(f["content-encoding"] == "br" for f in areas)
    assert all(f["cache-control"] == "public, max-age=31536000, immutable" for f in areas)

    again = phone.context.new_page()
    files_again = geometry_responses(again)
    again.goto(f"{served}/?show=no_car")
    wait_for_map(again)
    assert area_polygons(again) == 4
    assert files_again
    assert all(f["cached"] for f in files_again)
    again.locator(AREAS).first.hover()
    assert again.locator(".leaflet-tooltip").inner_text()  # tooltips, from the message


def test_a_map_whose_geometry_file_cannot_be_had_gets_the_geometry_in_its_message(served, desktop):
    desktop.route("**/arp-geometry/**", lambda route: route.abort())
    received = map_messages(desktop)
    desktop.goto(f"{served}/?show=no_car")
    wait_for_map(desktop)
    assert area_polygons(desktop) == 4
    assert any('"geometry":' in m for m in received)


def fetch(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def test_the_page_brings_the_maps_code_and_the_bundle_travels_compressed_and_cached(served):
    status, headers, body = fetch(f"{served}/", Accept="text/html", **{"Accept-Encoding": "br"})
    page = brotli.decompress(body).decode()
    assert headers["cache-control"] == "no-cache"  # the document names the hashed files
    assert re.search(r'rel="modulepreload" href="./static/js/BidiComponent\.[\w-]+\.js"', page)
    leaflet = re.search(
        r'rel="preload" href="\.(/app/static/vendor/leaflet/leaflet\.js\?v=\w+)"', page
    )
    assert leaflet, "no preload of the vendored Leaflet"

    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', page).group(1)
    status, headers, body = fetch(f"{served}/{script}", **{"Accept-Encoding": "gzip, br"})
    assert headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert b"createRoot" in brotli.decompress(body)

    status, headers, _ = fetch(f"{served}{leaflet.group(1)}", **{"Accept-Encoding": "br"})
    assert headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"

    css = re.search(r'href="\./(static/css/index\.[\w-]+\.css)"', page).group(1)
    styles = brotli.decompress(fetch(f"{served}/{css}", **{"Accept-Encoding": "br"})[2]).decode()
    font = re.search(r"url\(\.\./(media/MaterialSymbols-[\w.-]+\.woff2)\)", styles).group(1)
    status, headers, body = fetch(f"{served}/static/{font}", **{"Accept-Encoding": "br"})
    assert status == 200
    assert body[:4] == b"wOF2"
    assert len(body) < 40_000  # cut from 375 KB to the icons Streamlit and the app name
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_no_icon_goes_missing_from_the_cut_font(served, desktop):
    """Every icon on the page draws as an icon, not as its name in letters."""
    desktop.goto(f"{served}/?show=no_car")
    wait_for_map(desktop)
    desktop.evaluate("document.fonts.ready")
    icons = desktop.locator('[data-testid="stIconMaterial"]')
    assert icons.count() >= 5  # the navigation's icons, at least
    widths = icons.evaluate_all(
        "els => els.map(e => [e.textContent, e.getBoundingClientRect().width])"
    )
    for name, width in widths:
        # An icon is one square glyph; a missing ligature would spell out its name.
        assert width < 40, f"{name!r} drawn as text ({width:.0f} px)"


def test_the_front_door_asks_for_the_default_maps_geometry_with_the_page(served, phone):
    _, _, body = fetch(f"{served}/", Accept="text/html", **{"Accept-Encoding": "br"})
    page = brotli.decompress(body).decode()
    hint = re.search(
        r'<link rel="preload" href="\./(arp-geometry/\w+\.json)" as="fetch" crossorigin>', page
    )
    assert hint, "no preload of the default map's geometry"
    # A link to another level names other polygons: nothing is preloaded for it.
    _, _, body = fetch(f"{served}/?level=msoa", Accept="text/html", **{"Accept-Encoding": "br"})
    assert "arp-geometry" not in brotli.decompress(body).decode()

    files = geometry_responses(phone)
    phone.goto(f"{served}/")
    wait_for_map(phone)
    areas = [f for f in files if f["url"].endswith(hint.group(1))]
    assert len(areas) == 1, "the map did not use the preloaded geometry (or fetched it twice)"
