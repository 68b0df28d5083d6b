"""The live map (drawn in the page by arp/area_map.js) beside a plain streamlit-folium map
of the same data, in Chromium against real Streamlit servers on loopback; and the shared
HTML file (arp/folium_map.py) opened from disk.

- First visits: medians of repeated visits (a fresh browser context each, phone viewport),
  the pages taken in turn so they share the machine's load; one visit of each first, not
  counted, warms the servers.
- Switching indicator (one session each, desktop viewport, a view not seen before each
  time): seconds from choosing it to the new map drawn, and websocket bytes received.

The pages:
- the app: `streamlit run app.py` on the real build at ARP_DB, the WMCA LSOA map of the IMD
  2025 score (`/?show=imd_score_2025&level=lsoa`);
- plain streamlit-folium: the same 1,719 LSOAs, display geometry and values, as a user
  would write it: `GeoDataFrame.explore()` (quantiles, no tiles) shown with `st_folium`,
  a "Show" box to choose the indicator, only its column in the map, the data cached by
  `st.cache_data` (caching the map itself breaks st_folium's second render:
  "geo_json_... is not defined"), without a legend (branca's needs d3 from a CDN). Its
  iframe loads folium's files from CDNs: here Leaflet is answered locally from
  static/vendor as if the network were instant, and jQuery, Bootstrap and the rest are
  answered empty. All of which flatters it;
- the shared file: `arp export map` of the same view, opened from file:, nothing else
  allowed.

Times run from the navigation to the first area's SVG path in the document (in whichever
frame) and to all 1,719, seen by a script in the page that looks every 10 ms. After a
switch, the app's map is drawn when its legend shows the new title (it restyles the paths
it holds); streamlit-folium's when its iframe holds 1,719 new paths.

    ARP_DB=... .venv/bin/python bench/folium_vs_inpage.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import geopandas as gpd
import shapely
from map_payload import (
    ARGS,
    CHROMIUM,
    DESKTOP,
    PHONE,
    lsoa_indicator_titles,
    streamlit_server,
)
from playwright.sync_api import sync_playwright

from arp import folium_map, map_views, settings, view_state
from arp.framework import load_framework
from arp.workshop import Scenario

AREAS = 1719
FIRST_VIEW = "imd_score_2025"
PLAIN_PAGE = """
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

SHOWS = {shows!r}
st.title("WMCA LSOAs (plain streamlit-folium)")


@st.cache_data
def areas():
    return gpd.read_parquet({data!r})


column = st.selectbox("Show", list(SHOWS), format_func=SHOWS.get)
the_map = areas()[["code", "name", column, "geometry"]].explore(
    column=column, scheme="quantiles", k=5, cmap="OrRd", tooltip=["name", "code", column],
    tiles=None, legend=False,
)
st_folium(the_map, height=560, returned_objects=[])
"""
# Runs in every frame, the streamlit-folium iframe included, before the page's scripts. It
# looks every 10 ms: an observer on `document` misses a document the frame writes anew.
WATCH = f"""
(() => {{
  const look = setInterval(() => {{
    const n = document.querySelectorAll("path.leaflet-interactive").length;
    if (n && !window.__arpFirst) window.__arpFirst = Date.now();
    if (n >= {AREAS}) {{ window.__arpAll = Date.now(); clearInterval(look); }}
  }}, 10);
}})();
"""
DRAWN_MARKS = "window.__arpAll ? [window.__arpFirst, window.__arpAll] : null"
NEW_PATHS = f"""(() => {{
  const paths = document.querySelectorAll("path.leaflet-interactive");
  return paths.length >= {AREAS} && paths[0] !== window.__arpBefore;
}})()"""


def answer(route) -> None:
    """Loopback and files pass; folium's CDN files are answered here; nothing else leaves."""
    url = route.request.url
    path = url.split("?")[0]
    leaflet = settings.leaflet_dir()
    if url.startswith(("http://127.0.0.1", "file:", "data:", "blob:")):
        route.continue_()
    elif path.endswith("/leaflet.js"):
        route.fulfill(path=leaflet / "leaflet.js", content_type="application/javascript")
    elif path.endswith("/leaflet.css"):
        route.fulfill(path=leaflet / "leaflet.css", content_type="text/css")
    elif path.endswith(".js"):
        route.fulfill(body="", content_type="application/javascript")
    elif path.endswith(".css"):
        route.fulfill(body="", content_type="text/css")
    else:
        route.abort()


def watched(browser, viewport: dict):
    """A fresh context with the watch script and the route above; its websocket bytes."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(WATCH)
    context.route("**/*", answer)
    page = context.new_page()
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda d: received.append(len(d))))
    return context, page, received


def wait_in_frames(page, script: str, what: str, seconds: float = 180):
    """The first truthy value of `script` in any of the page's frames, looked for every 50 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                value = frame.evaluate(script)
            except Exception:  # a frame navigating or gone: look again
                continue
            if value:
                return value
        page.wait_for_timeout(50)  # not time.sleep: the route handler runs only meanwhile
    raise RuntimeError(f"{page.url}: {what} not within {seconds:.0f} s")


def visit(browser, url: str) -> tuple[float, float, int]:
    """Seconds to the first polygon and to all of them; websocket bytes received."""
    context, page, received = watched(browser, PHONE)
    started = time.time() * 1000
    page.goto(url)
    first, drawn = wait_in_frames(page, DRAWN_MARKS, f"the {AREAS} polygons")
    context.close()
    return (first - started) / 1000, (drawn - started) / 1000, sum(received)


def switches(browser, url: str, titles: list[str], in_place: bool) -> list[tuple[float, int]]:
    """Choose each of `titles` in the "Show" box in turn: seconds to the new map drawn, and
    websocket bytes received until a second after it."""
    context, page, received = watched(browser, DESKTOP)
    page.goto(url)
    wait_in_frames(page, DRAWN_MARKS, f"the {AREAS} polygons")
    results = []
    for title in titles:
        for frame in page.frames:  # the paths drawn now, to tell the next ones from them
            frame.evaluate(
                "window.__arpBefore = document.querySelector('path.leaflet-interactive')"
            )
        received.clear()
        box = page.get_by_role("combobox", name="Show", exact=True)
        started = time.perf_counter()
        box.click()
        box.fill(title)
        page.get_by_role("option", name=title, exact=True).click()
        if in_place:
            page.locator(".arp-legend-title", has_text=title).wait_for(timeout=120_000)
        else:
            wait_in_frames(page, NEW_PATHS, f"the map of {title}")
        seconds = time.perf_counter() - started
        page.wait_for_timeout(1000)  # the rest of the run's messages
        results.append((seconds, sum(received)))
    context.close()
    return results


def write_inputs(folder: Path, ids: list[str]) -> tuple[Path, Path]:
    """The plain page's data (the app's own views of the indicators `ids`, at LSOA) and the
    shared file of the first one's map."""
    framework = load_framework()
    scenario = Scenario("Equal weights")
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        views = {
            i: map_views.view_for(con, framework, view_state.ViewState(show=i), scenario)
            for i in ids
        }
        first = view_state.ViewState(show=ids[0], level="lsoa")
        shared = folium_map.view_map(con, framework, first, scenario, view=views[ids[0]])
    frame = views[ids[0]].frame[["code", "name", "geometry_display_wkb"]].copy()
    if len(frame) != AREAS:
        raise SystemExit(f"expected the WMCA's {AREAS} LSOAs at ARP_DB, found {len(frame)}")
    for i, view in views.items():
        frame[i] = frame["code"].map(view.frame.set_index("code")["value"])
    geometry = shapely.from_wkb([bytes(w) for w in frame.pop("geometry_display_wkb")])
    data = folder / "areas.parquet"
    gpd.GeoDataFrame(frame, geometry=geometry, crs=4326).to_parquet(data)
    html = folder / "map.html"
    folium_map.write_html(shared, html)
    return data, html


def visit_line(name: str, results: list[tuple[float, float, int]]) -> tuple[float, float]:
    first = statistics.median(r[0] for r in results)
    drawn = statistics.median(r[1] for r in results)
    sent = statistics.median(r[2] for r in results)
    print(
        f"  {name:<24} first polygon {first:5.2f} s (min {min(r[0] for r in results):.2f}, "
        f"max {max(r[0] for r in results):.2f})   all {AREAS:,} {drawn:5.2f} s   "
        f"websocket {sent / 1e6:4.2f} MB"
    )
    return first, drawn


def switch_line(name: str, results: list[tuple[float, int]]) -> tuple[float, float]:
    seconds = statistics.median(r[0] for r in results)
    sent = statistics.median(r[1] for r in results)
    print(
        f"  {name:<24} new map drawn {seconds:5.2f} s (min {min(r[0] for r in results):.2f}, "
        f"max {max(r[0] for r in results):.2f})   websocket {sent / 1e6:4.2f} MB"
    )
    return seconds, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    framework = load_framework()
    by_title = {i.title: i.id for i in framework.indicators.values()}
    titles = lsoa_indicator_titles(args.runs)  # each a view not seen before in the session
    shows = {FIRST_VIEW: framework.indicators[FIRST_VIEW].title, **{by_title[t]: t for t in titles}}
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        folder = Path(scratch)
        data, html = write_inputs(folder, list(shows))
        plain = folder / "plain.py"
        plain.write_text(PLAIN_PAGE.format(data=str(data), shows=shows))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with (
            streamlit_server(settings.REPO_ROOT / "app.py") as app_base,
            streamlit_server(plain) as plain_base,
        ):
            app = f"{app_base}/?show={FIRST_VIEW}&level=lsoa"
            pages = {"the app (in-page map)": app, "plain streamlit-folium": plain_base}
            pages["shared file, from disk"] = html.as_uri()
            visits: dict[str, list] = {name: [] for name in pages}
            for run in range(args.runs + 1):
                for name, url in pages.items():
                    measured = visit(browser, url)
                    if run:  # the first round warms the servers' caches
                        visits[name].append(measured)
            app_switches = switches(browser, app, titles, in_place=True)
            plain_switches = switches(browser, plain_base, titles, in_place=False)
        browser.close()

    print(f"WMCA LSOA map, {AREAS:,} areas; first visits (phone viewport), medians of {args.runs}:")
    app_first, app_drawn = visit_line("the app (in-page map)", visits["the app (in-page map)"])
    plain_first, plain_drawn = visit_line(
        "plain streamlit-folium", visits["plain streamlit-folium"]
    )
    visit_line("shared file, from disk", visits["shared file, from disk"])
    print(
        f"  ratio streamlit-folium / app: first polygon {plain_first / app_first:.2f}x, "
        f"all drawn {plain_drawn / app_drawn:.2f}x"
    )
    print(f"Switching indicator (desktop viewport), medians of {len(titles)}:")
    app_s, app_b = switch_line("the app (in-page map)", app_switches)
    plain_s, plain_b = switch_line("plain streamlit-folium", plain_switches)
    print(
        f"  ratio streamlit-folium / app: time {plain_s / app_s:.2f}x, "
        f"bytes {plain_b / max(app_b, 1):.1f}x"
    )
    print(
        f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python "
        f"bench/folium_vs_inpage.py --runs {args.runs}"
    )


if __name__ == "__main__":
    main()
