"""A participant's journey in Chromium on a 390 x 844 touch screen: the join link opens the
session's home, a note is added from its button, the sidebar leads to the map and back, and
the session is still set and stored with the note; the place is found by a partial postcode."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text

from arp import sessions, workshop
from tests.conftest import artifacts_dir

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"journey-{name}.png"), full_page=True)


def open_sidebar_and_go(page, label: str) -> None:
    """On a phone the sidebar starts collapsed: open it when it is, then tap the page's entry.
    (Streamlit leaves it open after a navigation on a phone.)"""
    nav = page.locator('[data-testid="stSidebarNav"]')
    if not nav.is_visible():
        page.locator(
            '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
        ).first.click()
    page.locator('[data-testid="stSidebarNav"]').get_by_text(label, exact=True).click()


def test_join_add_a_note_go_to_the_map_and_back_in_session(server, phone, workshop_path):
    session = sessions.create(workshop_path, "Handsworth listening event", date.today(), "Library")
    phone.goto(f"{server}/join?session={session.session_id}")
    phone.wait_for_selector("h1:has-text('Handsworth listening event')", timeout=30_000)
    home_button = phone.get_by_role("button", name="Add what you know about a place")
    # The page's fixed CSS (big buttons) may be applied a moment after the button is drawn.
    phone.wait_for_function(
        "(() => { const buttons = [...document.querySelectorAll('.st-key-session_home button')];"
        " return buttons.length > 0"
        " && buttons.every((b) => b.getBoundingClientRect().height >= 44); })()",
        timeout=10_000,
    )
    assert home_button.bounding_box()["height"] >= 44
    shot(phone, "1-home")
    home_button.tap()
    phone.wait_for_selector("h1:has-text('Add what you know about a place')", timeout=30_000)
    assert f"session={session.session_id}" in phone.url
    # A partial postcode, as people remember theirs: the outward code lists its neighbourhoods.
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("b1")
    search.press("Enter")
    phone.get_by_role("combobox", name="Matches", exact=True).tap()
    options = phone.get_by_role("listbox").get_by_role("option")  # not the map's area list
    options.first.wait_for(timeout=30_000)
    # Its two neighbourhoods first (the level a note is kept at), then the wider areas.
    assert [o.split(",")[0] for o in options.all_inner_texts()][:2] == [
        "Birmingham 001A",
        "Solihull 001B",
    ]
    options.filter(has_text=re.compile(r"^Solihull 001B, in ")).tap()
    phone.get_by_role("button", name="Use this place").tap()
    phone.get_by_text("Place: Solihull 001B").wait_for(timeout=30_000)
    note = phone.get_by_label("Your note", exact=True)
    words = "The evening bus to the hospital stopped running, so people walk home in the dark. "
    note.fill(words * 3)
    note.press("Tab")
    phone.get_by_text("I agree that this note").tap()
    phone.get_by_role("button", name="Save my note").tap()
    phone.get_by_text("Thank you. Your note is saved").wait_for(timeout=30_000)
    shot(phone, "2-saved")
    # The whole note is shown back, wrapped inside the phone's width.
    shown = phone.locator('[data-testid="stCode"]').last
    assert shown.bounding_box()["width"] <= 390
    assert (words * 3).strip() in shown.inner_text().replace("\n", " ")

    open_sidebar_and_go(phone, "Map explorer")
    phone.wait_for_selector(".arp-map path.leaflet-interactive", timeout=30_000)
    phone.wait_for_function(
        f"location.search.includes('session={session.session_id}')", timeout=30_000
    )
    shot(phone, "3-map")
    open_sidebar_and_go(phone, "Add an insight")
    phone.wait_for_selector("h1:has-text('Add what you know about a place')", timeout=30_000)
    phone.get_by_text("Session: Handsworth listening event").wait_for(timeout=30_000)
    assert f"session={session.session_id}" in phone.url
    shot(phone, "4-back")

    with workshop.connect(workshop_path, write=False) as con:
        stored = con.execute(
            text("select session_id, area_code from insights where text like 'The evening bus%'")
        ).fetchall()
    assert stored == [(session.session_id, "E01000904")]
