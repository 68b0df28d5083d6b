"""Crafted links and hostile typed text in Chromium, on every page of the app as `arp app`
serves it: Streamlit's own renderer shows each value as the text it is. No link, image,
icon or formula comes of it, and nothing is asked of the host it names.

tests/app/test_crafted_links.py checks the same of every parameter through AppTest; this is
the renderer itself. It is also why arp.ui.widgets.plain makes a code span rather than
escaping: escaped, a bare https://... or www.... address still becomes a link here."""

from __future__ import annotations

import urllib.parse
from datetime import date

import pytest

from arp import insights, sessions, workshop
from arp.ui import page_state
from tests.app.text_checks import CRAFTED, HOST, SCENARIO, TITLE, navigation_pages
from tests.browser.conftest import app_server
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser
# What the crafted text would become, were it rendered: links and images to its host (the
# app's own links may carry it, URL-encoded, in their query), the HTML it carries, a
# Material icon, KaTeX mathematics, bold text.
RENDERED = f"""[
  ...[...document.querySelectorAll("[href], [src]")].filter(e => {{
    try {{
      const address = e.getAttribute("href") ?? e.getAttribute("src");
      return new URL(address, location.href).hostname.endsWith("{HOST}");
    }} catch {{
      return false;  // not an address at all
    }}
  }}),
  ...document.querySelectorAll(`span[aria-label="lock icon"],
    [data-testid=stAlert] :is(a, img, strong, .katex), [data-testid=stCaptionContainer] img`),
].map(e => e.outerHTML.slice(0, 100))"""


@pytest.fixture(scope="module")
def crafted_server(fixture_db, tmp_path_factory):
    """serve.py with a session, a scenario and an approved note typed with hostile text."""
    folder = tmp_path_factory.mktemp("crafted")
    store = folder / "workshop.sqlite3"
    session = sessions.create(store, TITLE, date(2026, 3, 14), CRAFTED["html"])
    workshop.save_scenario(store, workshop.Scenario(SCENARIO, {"health": 2.0}))
    note = insights.save(
        store,
        insights.Insight(
            area_code="E01000901", domain="access", kind="barrier", text=TITLE, consent=True
        ),
    )
    insights.moderate(store, note, "approve", "test")
    with app_server(fixture_db, store, folder / "streamlit.log") as base:
        yield base, session.session_id


def asked_of(page) -> list[str]:
    """The hosts the page asks for, from now on (the crafted host is refused, if ever)."""
    hosts: list[str] = []
    page.on("request", lambda r: hosts.append(urllib.parse.urlsplit(r.url).netloc))
    page.context.route(  # never sent, should it be asked
        lambda url: urllib.parse.urlsplit(url).hostname == HOST, lambda route: route.abort()
    )
    return hosts


def opened(page, url: str) -> str:
    """The page's text once it has drawn, as a reader sees it (without the invisible word
    joiner that widgets.plain puts into ':material/')."""
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    return page.inner_text("body").replace("\u2060", "")


def test_a_crafted_link_renders_nothing_on_any_page(crafted_server, desktop):
    base, _ = crafted_server
    hosts = asked_of(desktop)
    kinds = list(CRAFTED)
    # Markdown on every other parameter, HTML on the rest: both kinds on every page.
    query = urllib.parse.urlencode(
        {p: CRAFTED[kinds[i % 2]] for i, p in enumerate(page_state.LINK_PARAMETERS)}
    )
    for page in navigation_pages():
        path = "/" if page == "pages/map.py" else "/" + page[6:-3]
        opened(desktop, f"{base}{path}?{query}")
        assert desktop.evaluate(RENDERED) == [], path
        if "current_state()" in (REPO_ROOT / page).read_text(encoding="utf-8"):
            alerts = [
                a.replace("\u2060", "")
                for a in desktop.locator("[data-testid=stAlert]").all_inner_texts()
            ]
            for kind in kinds:  # shown exactly as the link has it
                assert any(a.startswith(f"{CRAFTED[kind]} is not a valid") for a in alerts), path
        assert HOST not in {h.split(":")[0] for h in hosts}, path
    assert hosts  # the recorder saw the app's own requests


def test_typed_titles_and_scenario_names_render_nothing(crafted_server, desktop):
    base, session_id = crafted_server
    hosts = asked_of(desktop)
    text = opened(desktop, f"{base}/vote?session={session_id}")
    assert f"{TITLE} · 14 March 2026" in text  # the title, as typed, for participants
    assert desktop.evaluate(RENDERED) == []
    query = urllib.parse.urlencode({"show": "overall", "scenario": SCENARIO})
    opened(desktop, f"{base}/?{query}")
    desktop.wait_for_selector(".arp-map path.leaflet-interactive", timeout=60_000)
    legend = desktop.locator(".arp-legend").inner_text()  # set as text: no word joiner
    assert f"weights: {SCENARIO}" in legend  # the map's label, as typed
    weights = desktop.locator("[data-testid=stSidebar] input[aria-label=Weights]")
    assert weights.input_value() == SCENARIO  # the Weights box, as typed
    assert desktop.evaluate(RENDERED) == []
    opened(desktop, f"{base}/area_profile?area=E01000901")
    assert desktop.evaluate(RENDERED) == []
    assert HOST not in {h.split(":")[0] for h in hosts}
