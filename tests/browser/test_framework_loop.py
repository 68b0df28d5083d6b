"""The framework loop in Chromium, against the server `arp app` runs (serve.py): a
facilitator builds an indicator from the catalogue, it appears on the map with the new
framework version stated, and restoring the previous version removes it again."""

from __future__ import annotations

import pytest

from arp import facilitators
from arp import framework_versions as fv
from tests.browser.conftest import app_server

pytestmark = pytest.mark.browser
NAME, PASSWORD = "Grace Hopper", "a long facilitator password"
TITLE = "Households without a car (said in the room)"
INDICATOR = "households_without_a_car_said_in_the_roo"  # ids are cut at 40 characters


@pytest.fixture(scope="module")
def loop_server(fixture_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("framework_loop")
    store = folder / "workshop.sqlite3"
    facilitators.add_account(store, NAME, PASSWORD, iterations=1000)
    with app_server(fixture_db, store, folder / "streamlit.log") as base:
        base.store = store
        yield base


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)


def fill(page, label: str, value: str) -> None:
    """Type into a text box and leave it, so Streamlit takes the value."""
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Tab")
    page.wait_for_timeout(700)


def test_catalogue_indicator_on_the_map_then_restored_away(loop_server, desktop):
    page = desktop
    open_page(page, f"{loop_server}/framework_editor", "Edit the framework")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name="New indicator from the data").wait_for(timeout=30_000)
    fill(page, "Why (one line, kept with the version)", "the room: who depends on buses")
    page.get_by_role("tab", name="New indicator from the data").click()
    fill(page, "Search the measures", "no cars TS045")
    page.get_by_text("1 found").wait_for(timeout=15_000)
    title = page.get_by_label("Title", exact=True).last
    title.fill(TITLE)
    page.get_by_role("button", name="Add to the framework").click()
    page.get_by_text("Saved as framework version 2.").wait_for(timeout=30_000)
    assert fv.latest_number(loop_server.store) == 2

    open_page(page, f"{loop_server}/?show={INDICATOR}&level=ward", TITLE)
    page.get_by_text("framework version 2").first.wait_for(timeout=15_000)
    assert page.get_by_text("is not a valid show").count() == 0
    assert page.get_by_text("data not loaded").count() == 0  # computed now, from the catalogue
    page.screenshot(path=str(loop_server.log.parent / "map-version-2.png"))

    open_page(page, f"{loop_server}/framework_editor", "Edit the framework")
    page.get_by_role("tab", name="Versions").click()
    page.get_by_role("button", name="Restore version 1").click()
    page.get_by_text("Saved as framework version 3.").wait_for(timeout=30_000)
    assert INDICATOR not in fv.latest(loop_server.store).framework().indicators

    page.goto(f"{loop_server}/?show={INDICATOR}&level=ward")
    page.get_by_text("is not a valid show").first.wait_for(timeout=60_000)
    page.get_by_text("framework version 3").first.wait_for(timeout=15_000)
    assert page.get_by_role("heading", name=TITLE).count() == 0
