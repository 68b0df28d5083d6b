"""A real Streamlit server on the fixture database, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, artifacts_dir

CHROMIUM = os.environ.get("ARP_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def workshop_path(tmp_path_factory):
    return tmp_path_factory.mktemp("workshop") / "workshop.sqlite3"


class Server(str):
    """A running server's base URL; .log is the file its output goes to, .pid its process."""

    log: Path
    pid: int


@contextmanager
def streamlit_server(script: Path, log: Path, **env: str) -> Iterator[Server]:
    """`streamlit run script` on a free port, with its output in `log` (a pipe nobody
    reads would stall a chatty server), until the block ends."""
    port = _free_port()
    with log.open("wb") as output:
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
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = Server(f"http://127.0.0.1:{port}")
    base.log = log
    base.pid = process.pid
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        process.wait(timeout=10)
        pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def app_server(database: Path, store: Path, log: Path, **env: str):
    """The app as `arp app` serves it (serve.py) on `database` and the workshop store
    `store`, with its output in `log`: a context manager, as streamlit_server."""
    return streamlit_server(
        REPO_ROOT / "serve.py", log, ARP_DB=str(database), ARP_WORKSHOP_DB=str(store), **env
    )


def module_server(database: Path, workshop_path: Path, tmp_path_factory, name: str):
    """app_server for a module's tests, its log in a folder of its own (named `name`)."""
    return app_server(database, workshop_path, tmp_path_factory.mktemp(name) / "streamlit.log")


@pytest.fixture(scope="module")
def server(fixture_db, workshop_path, tmp_path_factory):
    with module_server(fixture_db, workshop_path, tmp_path_factory, "server") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; CI installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def keep_if_failed(page, request) -> None:
    """A failed test leaves a screenshot of its page, and the output of the server it used,
    in the CI artefacts folder (tests/conftest.py: artifacts_dir)."""
    report = getattr(request.node, "rep_call", None)
    if not (report and report.failed):
        return
    folder = artifacts_dir()
    name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    page.screenshot(path=str(folder / f"browser-failure-{name}.png"), full_page=True)
    for fixture in ("server", "served", "real_server", "hostile_server", "harness_server"):
        if fixture in request.fixturenames:
            log = getattr(request.getfixturevalue(fixture), "log", None)
            if log and log.exists():
                shutil.copyfile(log, folder / f"browser-failure-{name}.{fixture}.log")


@pytest.fixture
def phone(browser, request):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    keep_if_failed(page, request)
    context.close()


@pytest.fixture
def desktop(browser, request):
    """A laptop-sized page, where the sidebar's controls are open."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    keep_if_failed(page, request)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
