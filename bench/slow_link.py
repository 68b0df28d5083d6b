"""First and return visit of the map page on a slow link, side by side in one run:
Streamlit's own server with nothing compressed (`streamlit run app.py`), and `arp app`'s
(serve.py: brotli, cached geometry files, the icon font cut, preload hints; arp/web.py).
`--before DIR` adds another checkout's serve.py (the previous version, say).

Chromium's network emulation: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, a phone
viewport. Prints medians of the time to all 1,719 LSOAs drawn, and of the bytes that
crossed the wire (counted by a forwarding proxy between browser and server: compressed
HTTP and websocket frames as sent). Chromium's emulation paces websocket messages by
their *decompressed* size, so websocket payloads weigh more here than on a real link.
Needs a built or restored database (ARP_DB) and Debian's chromium.

    ARP_DB=data/arp.duckdb .venv/bin/python bench/slow_link.py --runs 3 [--before ../main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


class CountingProxy:
    """bench/counting_proxy.py in front of a server: the bytes the server sends."""

    def __init__(self, target: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("counting_proxy.py")), str(target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout
        self.port = int(self._process.stdout.readline())

    @property
    def received(self) -> int:
        assert self._process.stdout
        assert self._process.stdin
        self._process.stdin.write("?\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())

    def close(self) -> None:
        self._process.kill()
        self._process.wait(10)


def wait_until_up(base: str, seconds: float = 300) -> None:
    """streamlit_server waits a minute; a loaded machine can take longer to start one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server at {base} did not start")


def visit(context, url: str, proxy: CountingProxy) -> tuple[float, int]:
    """Seconds to the map drawn, and bytes the server sent until then."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    before = proxy.received
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=240_000)
    seconds = time.perf_counter() - started
    received = proxy.received - before
    page.close()
    return seconds, received


def measure(browser, url: str, proxy: CountingProxy, runs: int) -> dict[str, float]:
    first, again, first_bytes, again_bytes = [], [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE)
        seconds, size = visit(context, url, proxy)
        first.append(seconds)
        first_bytes.append(size)
        seconds, size = visit(context, url, proxy)  # the browser's cache now holds the files
        again.append(seconds)
        again_bytes.append(size)
        context.close()
    return {
        "first": statistics.median(first),
        "return": statistics.median(again),
        "first_mb": statistics.median(first_bytes) / 1e6,
        "return_kb": statistics.median(again_bytes) / 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout whose serve.py to compare")
    args = parser.parse_args()
    os.environ.setdefault("ARP_WORKSHOP_DB", "/tmp/arp-bench-workshop.sqlite3")
    servers = [
        ("nothing compressed (streamlit run app.py)", settings.REPO_ROOT / "app.py", False),
        ("arp app (serve.py)", settings.REPO_ROOT / "serve.py", True),
    ]
    if args.before:
        servers.insert(1, (f"before: {args.before}/serve.py", args.before / "serve.py", True))
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, script, compress in servers:
            option = ("--server.enableWebsocketCompression", str(compress).lower())
            with streamlit_server(script, *option) as base:
                wait_until_up(base)
                proxy = CountingProxy(int(base.rsplit(":", 1)[1]))
                url = f"http://127.0.0.1:{proxy.port}/"
                warm = browser.new_context()  # the server's caches (data, compressed files)
                warm.new_page().goto(url)
                warm.pages[0].wait_for_function(DRAWN, timeout=240_000)
                warm.close()
                results[name] = measure(browser, url, proxy, args.runs)
                proxy.close()
        browser.close()
    print("1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT, phone; medians of", args.runs, "runs")
    for name, r in results.items():
        print(
            f"  {name:42} first visit {r['first']:5.1f} s ({r['first_mb']:.2f} MB), "
            f"return {r['return']:4.1f} s ({r['return_kb']:.0f} KB)"
        )
    before = " --before DIR" if args.before else ""
    print(f"command: ARP_DB=... .venv/bin/python bench/slow_link.py --runs {args.runs}{before}")


if __name__ == "__main__":
    main()
