"""Nothing leaves the building: the app as `arp app` serves it (serve.py) makes no request to
any host but itself from any page, in Chromium, and sends browsers nothing about the machine
(paths, metrics, tracebacks). Street tiles are the one exception, and only for a session
whose facilitator turned them on.

Every request of the browser is recorded by host and, unless it is the app's own, refused
(so the test itself never reaches the internet); every websocket frame is kept."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest

from arp import sessions
from tests.app.text_checks import navigation_pages
from tests.browser.conftest import app_server
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser
VENDORED = {
    "Leaflet": REPO_ROOT / "static" / "vendor" / "leaflet" / "leaflet.js",
    "the app's icon": REPO_ROOT / "static" / "vendor" / "material-symbols" / "diversity_3.svg",
}
TILE_HOST = "tile.openstreetmap.org"
ICON = "document.querySelector(\"link[rel='shortcut icon']\").href"


def page_paths() -> list[str]:
    """Each page's address: the map is the landing page; the others go by file name."""
    return ["/" if page == "pages/map.py" else "/" + page[6:-3] for page in navigation_pages()]


@pytest.fixture(scope="module")
def served(fixture_db, tmp_path_factory):
    """serve.py on the fixture database, with one workshop session; yields (url, paths,
    session id, workshop store): paths are what must never reach a browser."""
    missing = [name for name, path in VENDORED.items() if not path.is_file()]
    assert not missing, f"{', '.join(missing)} not vendored into static/: run make first"
    folder = tmp_path_factory.mktemp("served")
    store = folder / "workshop.sqlite3"
    session = sessions.create(store, "Room 1", date(2026, 3, 14), "Library")
    with app_server(fixture_db, store, folder / "streamlit.log") as base:
        secrets = [str(REPO_ROOT), str(fixture_db.parent), str(folder)]
        yield base, secrets, session.session_id, store


class Recorder:
    """Every host the page asked for, and every websocket frame it received."""

    def __init__(self, page, base: str) -> None:
        self.hosts: list[str] = []
        self.frames: list[bytes] = []
        own = urllib.parse.urlsplit(base).netloc

        def route(request_route):
            if urllib.parse.urlsplit(request_route.request.url).netloc == own:
                request_route.continue_()
            else:
                request_route.abort()  # never sent

        page.context.route("**/*", route)
        # Every request the page makes, the tab's icon too, which a route may not see.
        page.on("request", lambda r: self.hosts.append(urllib.parse.urlsplit(r.url).netloc))
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived",
                lambda f: self.frames.append(f if isinstance(f, bytes) else f.encode()),
            ),
        )

    def elsewhere(self, base: str) -> set[str]:
        own = urllib.parse.urlsplit(base).netloc
        return {host for host in self.hosts if host != own}


def settle(page, path: str) -> None:
    """Wait until the page has drawn: its heading, and its map where it has one."""
    page.locator("h1").first.wait_for(timeout=60_000)
    if path in ("/", "/capture"):
        page.wait_for_selector(".arp-map path.leaflet-interactive", timeout=60_000)
    page.wait_for_timeout(1500)  # late requests (icons, fonts, images) would have started


def test_no_page_asks_any_host_but_the_app(served, desktop):
    base, _, session_id, _ = served
    paths = page_paths()
    assert len(paths) >= 13  # every page in app.py's navigation (join and privacy included)
    recorder = Recorder(desktop, base)
    for path in [*paths, f"/capture?session={session_id}", f"/vote?session={session_id}"]:
        desktop.goto(base + path)
        settle(desktop, path.split("?")[0])
        assert recorder.elsewhere(base) == set(), path
        # The tab's icon: ours, in the page itself, or for a moment Streamlit's own.
        icon = desktop.evaluate(ICON)
        assert icon.startswith(("data:image/svg+xml", base)), icon
    assert len(recorder.hosts) > 50  # the recorder saw the app's own requests
    desktop.goto(base)
    desktop.wait_for_function(f"{ICON}.startsWith('data:image/svg+xml')", timeout=30_000)


def test_street_tiles_are_asked_for_only_once_a_facilitator_turns_them_on(served, desktop):
    base, _, session_id, store = served
    recorder = Recorder(desktop, base)
    desktop.goto(f"{base}/capture?session={session_id}")
    settle(desktop, "/capture")
    assert recorder.elsewhere(base) == set()
    sessions.set_street_tiles(store, session_id, True)
    try:
        desktop.goto(f"{base}/capture?session={session_id}")
        settle(desktop, "/capture")
        assert recorder.elsewhere(base) == {TILE_HOST}
    finally:
        sessions.set_street_tiles(store, session_id, False)


def test_no_page_sends_the_browser_a_path_of_the_server(served, desktop):
    base, secrets, _, _ = served
    recorder = Recorder(desktop, base)
    # The Set up data page shows paths to facilitators only (issue 15, item 1; its own tests).
    for path in [p for p in page_paths() if p != "/setup"]:
        desktop.goto(base + path)
        settle(desktop, path)
        text = desktop.inner_text("body")
        assert [s for s in secrets if s in text] == [], path
    frames = b"\n".join(recorder.frames)
    assert len(recorder.frames) > 20
    assert [s for s in secrets if s.encode() in frames] == []


def test_metrics_are_not_served(served):
    base, *_ = served
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as response:
        assert response.status == 200
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + path, timeout=10)
        assert refused.value.code == 404, path
        assert b"session" not in refused.value.read()


@pytest.fixture(scope="module")
def broken_store_server(fixture_db, tmp_path_factory):
    """serve.py with a workshop store that is not a database: its pages fail."""
    folder = tmp_path_factory.mktemp("broken")
    store = folder / "workshop.sqlite3"
    store.write_bytes(b"this is not a SQLite file" * 100)
    with app_server(fixture_db, store, folder / "streamlit.log") as base:
        yield base, [str(REPO_ROOT), str(folder), str(fixture_db.parent)]


def test_an_error_shows_no_traceback_or_path(broken_store_server, desktop):
    base, secrets = broken_store_server
    recorder = Recorder(desktop, base)
    desktop.goto(f"{base}/vote?session=x")
    error = desktop.locator("[data-testid=stException], [data-testid=stAlert]").first
    error.wait_for(timeout=60_000)
    desktop.wait_for_timeout(1000)
    text = desktop.inner_text("body")
    assert "error" in text.lower()  # the page says something went wrong
    assert "Traceback" not in text
    assert ".py" not in text
    assert [s for s in secrets if s in text] == []
    assert [s for s in secrets if s.encode() in b"\n".join(recorder.frames)] == []
