"""First run anywhere: no database, no source folder, no network. `arp app` restores the
bundled snapshot and the map of all 1,719 WMCA LSOAs is drawn in Chromium."""

from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser
AREAS = ".arp-map path.leaflet-interactive"


def _closed_port() -> int:
    """A loopback port nothing listens on: a proxy there makes every outside request fail."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # released on close, and nothing binds it again


@pytest.fixture
def clean_start(tmp_path):
    """`arp app` in an empty folder with the network unreachable; yields (url, started, log)."""
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env.pop("ARP_SOURCE_DIR", None)
    env.update(
        {
            "ARP_DB": str(tmp_path / "arp.duckdb"),
            "ARP_WORKSHOP_DB": str(tmp_path / "workshop.sqlite3"),
            "ARP_CACHE_DIR": str(tmp_path / "cache"),
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "http_proxy": proxy,
            "https_proxy": proxy,
            "NO_PROXY": "",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        }
    )
    port = _free_port()
    log = tmp_path / "app.log"
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arp.cli",
                "app",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"arp app did not start: {log.read_text()[-2000:]}")
    if process.poll() is not None:
        pytest.fail(f"arp app exited: {log.read_text()[-2000:]}")
    yield base, started, log
    process.terminate()
    process.wait(timeout=10)


def test_a_clean_start_offline_draws_every_lsoa(clean_start, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; CI installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    base, started, log = clean_start
    proxy = f"http://127.0.0.1:{_closed_port()}"
    outside = []  # responses from anywhere but the app: there must be none
    with playwright_api.sync_playwright() as playwright:
        # Chromium sends everything but loopback through the (closed) proxy: no internet.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--proxy-server={proxy}"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "response",
                lambda r: (
                    outside.append(r.url)
                    if r.url.startswith("http") and not r.url.startswith(base)
                    else None
                ),
            )
            page.goto(base)
            page.wait_for_selector(AREAS, timeout=60_000)
            page.wait_for_function(
                f"document.querySelectorAll({AREAS!r}).length >= 1719", timeout=30_000
            )
            drawn_after = time.monotonic() - started
            polygons = page.locator(AREAS).count()
            title = page.locator("h1").first.inner_text()
        finally:
            browser.close()
    said = log.read_text()
    print(f"\narp app start to {polygons} LSOAs drawn: {drawn_after:.1f} s")
    assert polygons == 1719
    assert title == "Index of Multiple Deprivation score (IoD2025)"
    assert outside == []
    assert "restoring the bundled snapshot" in said
    assert "Restored" in said
    assert "from the bundled snapshot of" in said
    assert (tmp_path / "arp.duckdb").exists()
    assert not (tmp_path / "cache").exists()  # nothing was downloaded, or tried


def test_the_app_sends_its_files_compressed_for_slow_wifi(clean_start):
    base, _, _ = clean_start
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base, timeout=10) as response:
        page = response.read().decode()
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', page).group(1)
    for path in (script, "app/static/vendor/leaflet/leaflet.js"):
        request = urllib.request.Request(f"{base}/{path}", headers={"Accept-Encoding": "gzip"})
        with opener.open(request, timeout=10) as response:
            body = response.read()
            assert response.headers["Content-Encoding"] == "gzip", path
        assert len(gzip.decompress(body)) > 3 * len(body), path  # JavaScript shrinks 3-4x
