"""First and return visit of the map page on a slow link: Streamlit's own server (no
compression) against `arp app`'s (serve.py: gzip on HTTP, compressed websocket).

Chromium's network emulation: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, a phone
viewport. Prints medians of time to all 1,719 LSOAs drawn and of bytes on the wire.
Needs a built or restored database (ARP_DB) and Debian's chromium.

    ARP_DB=data/arp.duckdb .venv/bin/python bench/slow_link.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from map_payload import ARGS, CHROMIUM, PHONE, streamlit_server
from playwright.sync_api import sync_playwright

from arp import settings

SLOW = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
DRAWN = "() => document.querySelectorAll('.arp-map path.leaflet-interactive').length >= 1719"


def visit(context, url: str) -> tuple[float, int]:
    """Seconds to the map drawn, and bytes received (HTTP encoded lengths and websocket
    frames as the page sees them)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    received = [0]
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(0, received[0] + int(e["encodedDataLength"])),
    )
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: received.__setitem__(0, received[0] + len(e["response"]["payloadData"])),
    )
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=240_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds, received[0]


def measure(browser, url: str, runs: int) -> dict[str, float]:
    first, again, first_bytes = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE)
        seconds, size = visit(context, url)
        first.append(seconds)
        first_bytes.append(size)
        again.append(visit(context, url)[0])  # the browser's cache now holds the files
        context.close()
    return {
        "first": statistics.median(first),
        "return": statistics.median(again),
        "mb": statistics.median(first_bytes) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("ARP_WORKSHOP_DB", "/tmp/arp-bench-workshop.sqlite3")
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, script, compress in (
            ("uncompressed (streamlit run app.py)", "app.py", False),
            ("compressed (arp app: serve.py)", "serve.py", True),
        ):
            option = ("--server.enableWebsocketCompression", str(compress).lower())
            with streamlit_server(settings.REPO_ROOT / script, *option) as base:
                url = f"{base}/"
                visit(browser.new_context(), url)  # warm the server's caches
                results[name] = measure(browser, url, args.runs)
        browser.close()
    print("1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT; medians of", args.runs, "runs")
    for name, r in results.items():
        print(
            f"  {name:38} first visit {r['first']:5.1f} s, return {r['return']:5.1f} s, "
            f"{r['mb']:.2f} MB received on a first visit"
        )
    print("command: ARP_DB=... .venv/bin/python bench/slow_link.py --runs", args.runs)


if __name__ == "__main__":
    main()
