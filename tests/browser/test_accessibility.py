"""Accessibility checked by a machine (issue 16, item 5): axe-core, from the npm registry
(package.json; `make` installs it into node_modules/), run in Chromium over every page of
app.py's navigation at phone and desktop sizes, and a signed-in facilitator's page: no
serious or critical violation of a WCAG 2.2 AA rule. Each run's findings, every impact, go
to the CI artefacts folder (axe-<size>.json)."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from arp import facilitators
from tests.browser.conftest import PHONE, app_server
from tests.browser.test_map_in_chromium import wait_for_map
from tests.browser.test_nothing_leaves import page_paths
from tests.conftest import REPO_ROOT, artifacts_dir

pytestmark = pytest.mark.browser
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}
NAME, PASSWORD = "Ada Lovelace", "a long facilitator password"
SIZES = {"phone": PHONE, "desktop": {"width": 1280, "height": 900}}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    targets: v.nodes.map((n) => n.target.join(" ")),
    html: v.nodes.map((n) => n.html.slice(0, 160)),
    why: v.nodes.map((n) => n.failureSummary.slice(0, 240)),
  }));
}"""


@pytest.fixture(scope="module")
def axe_server(fixture_db, tmp_path_factory):
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing: make installs it with npm (package.json)")
        pytest.skip(
            "axe-core is not installed: `npm ci` (make test does it) puts it in node_modules/"
        )
    folder = tmp_path_factory.mktemp("axe")
    store = folder / "workshop.sqlite3"
    facilitators.add_account(store, NAME, PASSWORD, iterations=1000)
    with app_server(fixture_db, store, folder / "streamlit.log") as base:
        yield base


def settle(page, path: str) -> None:
    """Wait until the page has drawn: its heading, and on the landing page its map."""
    page.locator("h1").first.wait_for(timeout=60_000)
    if path == "/":
        page.wait_for_selector(".arp-map[data-areas]", timeout=60_000)
    page.wait_for_timeout(1000)  # the rest of the page's run


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_22_AA)


def failing(found: list[dict]) -> list[str]:
    """The serious and critical findings, one line per rule and element. None is excused:
    where Streamlit's own markup fell short, arp/ui/accessibility.py mends it."""
    return [
        f"{v['id']} ({v['impact']}): {target}"
        for v in found
        if v["impact"] in FAILING
        for target in v["targets"]
    ]


def summary(found: list[dict]) -> dict:
    return {
        "by_impact": dict(Counter(v["impact"] for v in found for _ in v["targets"])),
        "rules": sorted({v["id"] for v in found}),
        "violations": found,
    }


@pytest.mark.parametrize("size", list(SIZES))
def test_no_page_has_a_serious_or_critical_wcag_violation(axe_server, browser, size):
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone")
    page = context.new_page()
    found: dict[str, list[dict]] = {}
    try:
        paths = page_paths()
        assert len(paths) >= 13
        for path in paths:
            page.goto(axe_server + path)
            settle(page, path)
            found[path] = violations(page)
        # One facilitator's page signed in: the moderation queue.
        page.goto(f"{axe_server}/moderate")
        settle(page, "/moderate")
        page.get_by_label("Your name").fill(NAME)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign out").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        found["/moderate (signed in)"] = violations(page)
    finally:
        (artifacts_dir() / f"axe-{size}.json").write_text(
            json.dumps({path: summary(v) for path, v in found.items()}, indent=1)
        )
        context.close()
    problems = {path: failing(v) for path, v in found.items() if failing(v)}
    assert problems == {}, json.dumps(problems, indent=1)


TABLE = '[data-testid="stDataFrame"] [data-testid="data-grid-canvas"]'
IN_TABLE = f"() => document.activeElement.matches({TABLE!r})"


def test_the_map_is_one_tab_stop_and_the_table_is_close(server, desktop):
    desktop.goto(f"{server}/?show=no_car")
    wait_for_map(desktop)
    desktop.locator(TABLE).wait_for(timeout=30_000)
    # Inside the map nothing but the map itself takes focus (arrows pan it, + and - zoom):
    # one Tab from the map leaves it, rather than walking its areas one by one.
    desktop.locator(".arp-map").focus()  # the top of the map
    assert desktop.evaluate("() => document.activeElement.matches('.arp-map')")
    desktop.keyboard.press("Tab")
    assert not desktop.evaluate("() => Boolean(document.activeElement.closest('.arp-map'))")
    presses = 1
    while presses < 10 and not desktop.evaluate(IN_TABLE):
        desktop.keyboard.press("Tab")
        presses += 1
    assert desktop.evaluate(IN_TABLE), f"Tab did not reach the table in {presses} presses"
    # The link before the map: seen, first in the tab order, and Enter moves focus to the table.
    skip = desktop.get_by_role("link", name="Skip to the table")
    assert skip.is_visible()
    assert desktop.evaluate(
        """() => { const link = document.querySelector('.arp-skip-link');
          return Boolean(link.compareDocumentPosition(document.querySelector('.arp-map'))
                         & Node.DOCUMENT_POSITION_FOLLOWING); }"""
    )
    skip.focus()
    desktop.keyboard.press("Enter")
    desktop.wait_for_function(IN_TABLE, timeout=5_000)


def test_a_printed_page_has_no_sidebar_and_no_controls(server, desktop):
    desktop.goto(f"{server}/?show=no_car")
    wait_for_map(desktop)
    desktop.locator(TABLE).wait_for(timeout=30_000)
    assert desktop.locator('[data-testid="stSidebar"]').is_visible()
    assert desktop.locator(".stSelectbox").first.is_visible()
    desktop.emulate_media(media="print")
    assert not desktop.locator('[data-testid="stSidebar"]').is_visible()
    for control in (".stSelectbox", ".stMultiSelect", ".stCheckbox", ".stButton", ".stRadio"):
        shown = desktop.locator(control).evaluate_all(
            "(all) => all.filter((e) => e.offsetParent !== null).length"
        )
        assert shown == 0, control
    assert desktop.locator("h1").first.is_visible()
    assert desktop.locator(".arp-map").is_visible()
    assert desktop.locator(".arp-legend").is_visible()  # the map still says what it shows
    assert desktop.locator(TABLE).is_visible()
    assert not desktop.locator(".leaflet-control-zoom").is_visible()
    assert not desktop.get_by_text("What the map shows").is_visible()
    assert not desktop.get_by_role("link", name="Skip to the table").is_visible()
    desktop.screenshot(path="/tmp/a11y-print.png", full_page=True)


def test_the_presentation_legend_is_legible_on_a_projector(server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{server}/?show=no_car&present=1")
        wait_for_map(page)
        # Found and measured in one step: the legend is redrawn as the page settles, and an
        # element found before a redraw and measured after it has no style (NaN).
        sizes = page.evaluate(
            """() => [...document.querySelectorAll(".arp-legend *")]
                 .filter((e) => e.textContent.trim())
                 .map((e) => parseFloat(getComputedStyle(e).fontSize))"""
        )
        assert len(sizes) >= 4  # title, rows, no data, source
        assert min(sizes) >= 18
        assert page.get_by_role("link", name="Skip to the table").count() == 0 or not (
            page.get_by_role("link", name="Skip to the table").is_visible()
        )
        page.screenshot(path="/tmp/a11y-present.png")
    finally:
        context.close()


# Every option of the list drawn in view: its text, and whether any of it is cut off.
SHOWN_OPTIONS = """() => [...document.querySelectorAll('[role=listbox] [role=option]')].map((o) => {
  const text = o.firstElementChild;
  return [text.textContent, text.scrollHeight > text.clientHeight + 1
                            || text.scrollWidth > text.clientWidth + 1];
})"""


def test_the_show_list_reads_by_domain_with_no_title_cut_on_a_phone(server, phone):
    phone.goto(server)
    wait_for_map(phone)
    show = phone.get_by_role("combobox", name="Show", exact=True)
    show.scroll_into_view_if_needed()
    show.click()
    phone.locator("[role=listbox] [role=option]").first.wait_for(timeout=10_000)
    seen: dict[str, bool] = {}
    # The list draws only the rows in view: walk it with the arrow keys to see them all.
    for _ in range(80):
        seen.update(dict(phone.evaluate(SHOWN_OPTIONS)))
        phone.keyboard.press("ArrowDown")
    labels = list(seen)
    assert "Overall composite score" in labels
    assert "Health & wellbeing: Health deprivation and disability decile (IoD2019)" in labels
    assert "Health & wellbeing: Health deprivation and disability score (IoD2025)" in labels
    assert len(labels) >= 50
    assert [label for label, cut in seen.items() if cut] == []
    phone.screenshot(path=str(artifacts_dir() / "show-list-phone.png"))


def test_a_keyboard_user_chooses_an_area_from_the_list_and_enter_opens_it(server, desktop):
    desktop.goto(f"{server}/?show=no_car")
    wait_for_map(desktop)
    areas = desktop.get_by_label("Choose an area from a list")
    # Every area of the map, by name, after a first entry that says so.
    names = areas.locator("option").all_text_contents()
    assert names[0] == "Every area, by name"
    assert len(names) - 1 == int(desktop.locator(".arp-map").get_attribute("data-areas"))
    assert names[1:] == sorted(names[1:])
    hint = desktop.locator(".arp-area-list-hint").text_content()
    assert hint == "Arrow keys move through the areas; Enter: open profile."
    areas.focus()
    desktop.keyboard.press("ArrowDown")
    code = areas.input_value()
    assert code.startswith("E01")
    # The area is announced (a polite live region) with its tooltip's lines, and shown.
    announced = desktop.locator(".arp-live[role=status]")
    desktop.wait_for_function(
        "() => document.querySelector('.arp-live').textContent.length > 0", timeout=5_000
    )
    assert announced.text_content().startswith(f"{names[1]}. {code}. ")
    assert "% of households" in announced.text_content()
    assert desktop.locator(".leaflet-tooltip").first.text_content().startswith(names[1])
    desktop.keyboard.press("Enter")
    desktop.wait_for_url(f"**/area_profile?**area={code}**", timeout=30_000)
    assert desktop.locator("h1").first.text_content() == names[1]
