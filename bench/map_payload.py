"""Map speed, measured in Chromium against the real Streamlit server. Medians of repeated runs.

- WMCA LSOA map (the real build at ARP_DB): time from opening the page to the polygons
  drawn, on a first visit (empty browser cache) and a return visit (cache warm), beside the
  time an empty Streamlit page takes to show its title on the same machine in the same run
  (the floor no map can beat); bytes of the map's message; switching indicator in the
  browser (time to the new legend, bytes received); server time to switch indicator.
- England scale: SYNTHETIC geometry (35,000 generated polygons, labelled as such) through
  the same map, canvas renderer: time to draw, bytes, server time to switch.

    .venv/bin/python bench/map_payload.py [--runs N] [--england-areas 35000] [--only wmca|england]

Needs a real build at ARP_DB and Debian's chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely
from playwright.sync_api import sync_playwright

from arp import map_views, maps, settings, view_state
from arp.framework import load_framework

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DRAWN = "(n) => { const m = document.querySelector('.arp-map'); return m && m.dataset.areas == n; }"
EMPTY_PAGE = "import streamlit as st\nst.title('An empty page')\n"
ENGLAND_PAGE = """
import sys
sys.path.insert(0, {bench!r})
import map_payload
import streamlit as st
from arp.ui import map_element
st.title("England scale: SYNTHETIC geometry")
frame = map_payload.synthetic_england({areas})
map_element.area_map("england", map_payload.england_builder(frame), geometry_version="synthetic")
"""


def synthetic_england(n: int) -> pd.DataFrame:
    """n 'areas' on a grid over England's extent: SYNTHETIC geometry, for scale only."""
    side = int(np.ceil(np.sqrt(n)))
    xs, ys = np.meshgrid(np.linspace(-5.5, 1.7, side), np.linspace(50.0, 55.7, side))
    dx, dy = 7.2 / side, 5.7 / side
    angles = np.linspace(0, 2 * np.pi, 34)  # about the vertices of a generalised LSOA
    cells = [
        shapely.to_wkb(
            shapely.Polygon(
                np.c_[
                    x + dx / 2 * (1 + 0.9 * np.cos(angles)), y + dy / 2 * (1 + 0.9 * np.sin(angles))
                ]
            )
        )
        for x, y in list(zip(xs.ravel(), ys.ravel(), strict=True))[:n]
    ]
    values = np.random.default_rng(1).random(n) * 100
    return pd.DataFrame(
        {
            "code": [f"S{i:08d}" for i in range(n)],
            "name": [f"Synthetic {i}" for i in range(n)],
            "geometry_display_wkb": cells,
            "value": values,
            "label_lat": 52.5,
            "label_lon": -1.5,
        }
    )


def england_builder(frame: pd.DataFrame, scheme: str = "quantiles"):
    """A map spec builder for map_element.area_map over the synthetic frame."""
    tooltips = [[name, code] for name, code in zip(frame["name"], frame["code"], strict=True)]

    def build(**common):
        return maps.choropleth(
            frame,
            "SYNTHETIC geometry",
            "%",
            "higher_is_worse",
            "level",
            tooltips,
            scheme,
            "synthetic",
            tiles=False,
            **common,
        )

    return build


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: Path, *options: str):
    """`streamlit run script` on a free port (with any further `--server.*` options)."""
    port = _port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.enableStaticServing",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *options,
        ],
        cwd=settings.REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def _listen(page) -> list[int | str]:
    """Websocket messages received: their text where they carry the map's geometry."""
    received: list = []

    def frame(data):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        received.append(("geometry" if '"geometry":' in text else "other", len(data)))

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return received


def open_timings(browser, url: str, areas: int | None, runs: int, warm: bool):
    """Seconds to the first h1 and to the map drawn (areas=None: a page with no map);
    bytes of the map's message."""
    title, drawn, geometry_bytes = [], [], []
    shared = browser.new_context(viewport=PHONE) if warm else None
    for run in range(runs + 1):  # the first run warms the server's caches (and the browser's)
        context = shared or browser.new_context(viewport=PHONE)
        page = context.new_page()
        received = _listen(page)
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("h1", timeout=120_000)
        at_title = time.perf_counter() - started
        if areas is not None:
            page.wait_for_function(DRAWN, arg=areas, timeout=180_000)
            page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
        if run:
            title.append(at_title)
            drawn.append(time.perf_counter() - started)
            geometry_bytes.append(sum(n for kind, n in received if kind == "geometry"))
        page.close()
        if not shared:
            context.close()
    if shared:
        shared.close()
    return title, drawn, geometry_bytes


def lsoa_indicator_titles(limit: int) -> list[str]:
    """Titles of indicators with LSOA values in the build, to switch between."""
    framework = load_framework()
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        computed = {
            row[0]
            for row in con.execute(
                "select indicator_id from indicator_status where status = 'computed'"
            ).fetchall()
        }
    return [
        i.title
        for i in framework.indicators.values()
        if i.id in computed and "lsoa" in i.levels and i.id != "imd_score_2025"
    ][:limit]


def switch_timings(browser, base: str, runs: int):
    """Choose another indicator in the sidebar: seconds to the new legend, bytes received.
    Each choice is a view not seen before: Streamlit sends a view it has sent already as a
    reference to the browser's copy, which would flatter the bytes."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    received = _listen(page)
    page.goto(f"{base}/?show=imd_score_2025&level=lsoa")
    page.wait_for_function(DRAWN, arg=1719, timeout=120_000)
    timings, sent, geometry = [], [], 0
    for title in lsoa_indicator_titles(runs):
        received.clear()
        box = page.get_by_role("combobox", name="Show", exact=True)
        started = time.perf_counter()
        box.click()
        box.fill(title)
        page.get_by_role("option", name=title, exact=True).click()
        page.locator(".arp-legend-title", has_text=title).wait_for(timeout=60_000)
        timings.append(time.perf_counter() - started)
        page.wait_for_timeout(1000)  # the rest of the page's messages (table, downloads)
        sent.append(sum(n for _, n in received))
        geometry += sum(1 for kind, _ in received if kind == "geometry")
    context.close()
    return timings, sent, geometry


def server_switch_ms(runs: int) -> list[float]:
    """Server work when the indicator changes: query, classify, tooltips, the spec as JSON,
    with the geometry already held by the browser (as in a session)."""
    framework = load_framework()
    timings = []
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        first = map_views.indicator_view(con, framework, view_state.ViewState())
        held = map_views.map_spec(first, "quantiles", "", geometry_version="v").geometry_ids
        for run in range(runs):
            show = ["imd_score_2025", "no_car", "no_qualifications"][run % 3]
            started = time.perf_counter()
            view = map_views.indicator_view(con, framework, view_state.ViewState(show=show))
            spec = map_views.map_spec(view, "quantiles", "", geometry_version="v", held=held)
            json.dumps(spec.data)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def england_server_ms(n: int, runs: int) -> tuple[list[float], int]:
    """Server time for a new view of the synthetic areas (tooltips, classes, spec as JSON)
    with the geometry held by the browser; the JSON size of such a view."""
    frame = synthetic_england(n)
    first = england_builder(frame)(geometry_version="synthetic")
    timings = []
    for run in range(runs):
        started = time.perf_counter()
        build = england_builder(frame, ["deciles", "quantiles"][run % 2])
        data = build(geometry_version="synthetic", held=first.geometry_ids).data
        size = len(json.dumps(data))
        timings.append((time.perf_counter() - started) * 1000)
    return timings, size


def median(values) -> float:
    return statistics.median(values)


def wmca(browser, folder: Path, runs: int) -> None:
    with streamlit_server(folder / "empty.py") as base:
        floor, _, _ = open_timings(browser, base, None, runs, warm=False)
    with streamlit_server(settings.REPO_ROOT / "app.py") as base:
        url = f"{base}/?show=imd_score_2025&level=lsoa"
        cold_title, cold, geometry_bytes = open_timings(browser, url, 1719, runs, warm=False)
        warm_title, warm, _ = open_timings(browser, url, 1719, runs, warm=True)
        switching, switch_bytes, geometry_again = switch_timings(browser, base, runs * 2)
    print(
        f"empty Streamlit page, title shown: median {median(floor):.2f} s (the floor)\n"
        f"WMCA LSOA map, phone viewport, first visit: 1,719 areas drawn in median "
        f"{median(cold):.2f} s (title at {median(cold_title):.2f} s; "
        f"{median(cold) / median(floor):.2f}x the empty page)\n"
        f"  return visit (browser cache warm): median {median(warm):.2f} s "
        f"(title at {median(warm_title):.2f} s; {median(warm) / median(floor):.2f}x)\n"
        f"  the map's message: median {median(geometry_bytes) / 1e6:.2f} MB "
        f"(geometry, classes, tooltips, legend; before websocket compression)\n"
        f"  switching indicator in the browser: new legend in median "
        f"{median(switching):.2f} s; {median(switch_bytes) / 1e6:.2f} MB received for "
        f"the whole page (map and table); messages carrying geometry again: "
        f"{geometry_again} of {len(switching)} switches"
    )


def england(browser, page: Path, areas: int, runs: int) -> None:
    switch, later = england_server_ms(areas, 3)
    with streamlit_server(page) as base:
        _, drawn, sent = open_timings(browser, base, areas, max(2, runs // 2), warm=False)
    print(
        f"England scale, SYNTHETIC geometry ({areas:,} polygons, canvas renderer, edges "
        f"simplified to the view's scale): drawn in median {median(drawn):.2f} s on a first "
        f"visit; map message {median(sent) / 1e6:.1f} MB with geometry, {later / 1e6:.1f} MB "
        f"for a later view; server time to switch median {median(switch):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--england-areas", type=int, default=35_000)
    parser.add_argument("--only", choices=["wmca", "england"])
    args = parser.parse_args()
    runs = args.runs
    if args.only != "england":
        switch = server_switch_ms(runs * 3)
        print(f"server time to switch indicator (WMCA LSOAs): median {median(switch):.0f} ms")

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        folder = Path(folder)
        (folder / "static").symlink_to(settings.REPO_ROOT / "static")
        (folder / "empty.py").write_text(EMPTY_PAGE)
        england_page = folder / "england.py"
        england_page.write_text(
            ENGLAND_PAGE.format(bench=str(Path(__file__).parent), areas=args.england_areas)
        )
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        if args.only != "england":
            wmca(browser, folder, runs)
        if args.only != "wmca":
            england(browser, england_page, args.england_areas, runs)
        browser.close()
    print(
        f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python bench/map_payload.py "
        f"--runs {runs}"
    )


if __name__ == "__main__":
    os.environ.setdefault("ARP_DB", str(settings.database_path()))
    main()
