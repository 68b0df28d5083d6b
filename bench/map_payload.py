"""Map speed: bytes sent and time to draw, in Chromium, at WMCA scale (the real build) and
at England scale (35,000 synthetic polygons, labelled as such); and the server time to
switch indicator. Medians of repeated runs.

    .venv/bin/python bench/map_payload.py [--runs N] [--england-areas 35000]

Needs a real build at ARP_DB and Debian's chromium.
"""

from __future__ import annotations

import argparse
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

from arp import explorer, maps, settings
from arp.framework import load_framework

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_switch_ms(runs: int) -> list[float]:
    """Server work when the indicator changes: query, classify, build the map HTML."""
    framework = load_framework()
    timings = []
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        for run in range(runs):
            show = ["imd_score_2025", "no_car", "no_qualifications"][run % 3]
            state = explorer.ViewState(show=show)
            started = time.perf_counter()
            view = explorer.indicator_view(con, framework, state)
            fmap = explorer.view_map(view, "quantiles", "bench")
            fmap.get_root().render()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def app_draw(runs: int) -> tuple[list[float], list[int], int]:
    """Open the running app in Chromium: time until the polygons are drawn, websocket bytes."""
    port = _port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=settings.REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/?show=imd_score_2025&level=lsoa"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    draw, sent, polygons = [], [], 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(runs + 1):  # the first run warms the server's caches
                page = browser.new_page(viewport={"width": 390, "height": 844})
                received = []
                page.on(
                    "websocket",
                    lambda ws, r=received: ws.on(
                        "framereceived", lambda data, r=r: r.append(len(data))
                    ),
                )
                started = time.perf_counter()
                page.goto(base)
                page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=60_000)
                frame = None
                while frame is None:
                    frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
                frame.wait_for_function(
                    "document.querySelectorAll('path.leaflet-interactive').length > 1700",
                    timeout=60_000,
                )
                draw.append(time.perf_counter() - started)
                polygons = frame.evaluate(
                    "document.querySelectorAll('path.leaflet-interactive').length"
                )
                sent.append(sum(received))
                page.close()
            browser.close()
    finally:
        process.terminate()
    return draw[1:], sent[1:], polygons


def synthetic_england(n: int) -> pd.DataFrame:
    """n square 'areas' on a grid over England's extent: synthetic, for scale only."""
    side = int(np.ceil(np.sqrt(n)))
    xs, ys = np.meshgrid(np.linspace(-5.5, 1.7, side), np.linspace(50.0, 55.7, side))
    dx, dy = 7.2 / side, 5.7 / side
    cells = []
    rng = np.random.default_rng(1)
    for x, y in list(zip(xs.ravel(), ys.ravel(), strict=True))[:n]:
        # 40 vertices per polygon, like a generalised LSOA
        t = np.linspace(0, 2 * np.pi, 40)
        ring = np.c_[x + dx / 2 * (1 + 0.9 * np.cos(t)), y + dy / 2 * (1 + 0.9 * np.sin(t))]
        cells.append(shapely.to_wkb(shapely.Polygon(ring)))
    return pd.DataFrame(
        {
            "code": [f"S{i:08d}" for i in range(n)],
            "name": "synthetic",
            "geometry_display_wkb": cells,
            "value": rng.random(n) * 100,
            "label_lat": 52.5,
            "label_lon": -1.5,
        }
    )


def england_draw(n: int, runs: int) -> tuple[list[float], int]:
    frame = synthetic_england(n)
    tooltips = [["synthetic", code] for code in frame["code"]]
    maps.use_local_leaflet()
    fmap, _, _ = maps.choropleth(
        frame,
        "Synthetic",
        "%",
        "higher_is_worse",
        "level",
        tooltips,
        "quantiles",
        "synthetic geometry",
        tiles=False,
    )
    html = (
        fmap.get_root()
        .render()
        .replace("/app/static/vendor/leaflet/", f"file://{maps.LOCAL_LEAFLET.parent}/")
    )
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "england.html"
        path.write_text(html)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(runs):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(f"file://{path}")
                page.wait_for_function(
                    "document.querySelector('canvas.leaflet-zoom-animated')", timeout=120_000
                )
                page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
                timings.append(time.perf_counter() - started)
                page.close()
            browser.close()
    return timings, len(html.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--england-areas", type=int, default=35_000)
    args = parser.parse_args()
    switch = server_switch_ms(args.runs * 3)
    print(
        f"server time to switch indicator (WMCA LSOAs): median {statistics.median(switch):.0f} ms"
    )
    draw, sent, polygons = app_draw(args.runs)
    print(
        f"WMCA LSOA map in the app, phone viewport: {polygons} paths drawn in median "
        f"{statistics.median(draw):.2f} s; websocket bytes received median "
        f"{statistics.median(sent) / 1e6:.2f} MB (whole page)"
    )
    england, size = england_draw(args.england_areas, max(2, args.runs // 2))
    print(
        f"England scale (SYNTHETIC {args.england_areas:,} polygons, canvas renderer): "
        f"{size / 1e6:.1f} MB HTML, drawn in median {statistics.median(england):.2f} s"
    )
    print(
        f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python bench/map_payload.py "
        f"--runs {args.runs}"
    )


if __name__ == "__main__":
    os.environ.setdefault("ARP_DB", str(settings.database_path()))
    main()
