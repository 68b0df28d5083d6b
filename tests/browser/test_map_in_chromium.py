"""End to end in Chromium on a phone-sized screen: the map draws, tooltips show the right
value, a click opens the area's profile, and a copied link restores the view."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser
MAP_FRAME = re.compile(r"streamlit_folium")


def map_frame(page):
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=30_000)
    for _ in range(100):
        frame = next((f for f in page.frames if MAP_FRAME.search(f.url)), None)
        if frame is not None:
            frame.wait_for_selector("path.leaflet-interactive", timeout=30_000)
            return frame
        page.wait_for_timeout(100)
    raise AssertionError("no map frame")


def area_polygons(frame) -> int:
    return frame.evaluate(
        """() => [...document.querySelectorAll('path.leaflet-interactive')]
                 .filter(p => p.getAttribute('fill') && p.getAttribute('fill') !== 'none').length"""
    )


def test_the_map_draws_every_area(server, phone):
    phone.goto(f"{server}/?show=no_car")
    frame = map_frame(phone)
    assert area_polygons(frame) == 4  # the four fixture LSOAs; district outlines have no fill
    legend = frame.locator(".arp-legend").inner_text()
    assert "Households with no car or van" in legend
    assert "Suppressed or no data" in legend


def test_hovering_an_area_shows_its_value(server, phone):
    phone.goto(f"{server}/?show=no_car")
    frame = map_frame(phone)
    frame.locator("path.leaflet-interactive").first.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    text = tooltip.inner_text()
    assert "Birmingham 001A" in text
    assert "50.0 % of households (95% CI 46.0 to 54.0)" in text
    assert "worst 10%" in text


def test_clicking_an_area_opens_its_profile(server, phone):
    phone.goto(f"{server}/?show=no_car")
    frame = map_frame(phone)
    frame.locator("path.leaflet-interactive").nth(3).click()
    phone.wait_for_url(re.compile(r"/area_profile\?.*area=E01000904"), timeout=30_000)
    assert phone.locator("h1").first.inner_text(timeout=30_000) == "Solihull 001B"


def test_a_copied_link_restores_the_view_across_pages(server, phone):
    phone.goto(f"{server}/?show=no_car&level=ward&scheme=equal_interval")
    phone.wait_for_selector("h1:has-text('Households with no car or van')", timeout=30_000)
    frame = map_frame(phone)
    assert area_polygons(frame) == 3  # the three fixture wards
    phone.goto(f"{server}/area_profile?show=no_car&level=ward&area=E05000901")
    phone.wait_for_selector("h1:has-text('Northfield Test')", timeout=30_000)
    phone.get_by_text("Back to the map").click()
    phone.wait_for_url(re.compile(r"level=ward"), timeout=30_000)
    phone.wait_for_selector("h1:has-text('Households with no car or van')", timeout=30_000)


def test_presentation_mode_hides_the_controls(server, phone):
    phone.goto(f"{server}/?show=no_car")
    map_frame(phone)
    assert phone.locator('[data-testid="stSidebar"]').count() == 1
    phone.goto(f"{server}/?show=no_car&present=1")
    map_frame(phone)
    assert not phone.locator('[data-testid="stSidebar"]').is_visible()
    assert not phone.get_by_text("The same data as a table").is_visible()
    assert phone.locator("h1").first.inner_text() == "Households with no car or van"


def test_a_hostile_insight_runs_no_script(server, phone, workshop_path):
    from arp import insights

    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3)"
    saved = insights.save(
        workshop_path,
        insights.Insight(
            area_code="E01000901", domain="access", kind="barrier", text=hostile, consent=True
        ),
    )
    insights.moderate(workshop_path, saved, "approve", "test")
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    phone.goto(f"{server}/area_profile?area=E01000901")
    phone.wait_for_selector("h1:has-text('Birmingham 001A')", timeout=30_000)
    phone.get_by_text("What people said about this place").wait_for(timeout=30_000)
    phone.goto(f"{server}/?show=no_car")
    frame = map_frame(phone)
    frame.locator("path.leaflet-interactive").first.hover()
    assert "Workshop insights here: 1" in frame.locator(".leaflet-tooltip").inner_text()
    phone.wait_for_timeout(500)
    assert dialogs == []


def test_capture_a_note_on_a_phone(server, phone, workshop_path):
    from arp import insights

    phone.goto(f"{server}/capture")
    phone.wait_for_selector("h1:has-text('Add what you know about a place')", timeout=30_000)
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("B1 1AB")
    search.press("Enter")
    phone.get_by_role("button", name="Use this place").click()
    phone.get_by_text("Place: Solihull 001B").wait_for(timeout=30_000)
    note = phone.get_by_label("Your note")
    note.fill("The bus to the hospital stopped running in the evening. Email me a@b.org")
    note.press("Tab")
    phone.get_by_text("We removed an email address").wait_for(timeout=30_000)
    phone.get_by_text("I agree that this note").click()
    phone.get_by_role("button", name="Save my note").click()
    phone.get_by_text("Thank you. Your note is saved").wait_for(timeout=30_000)
    pending = insights.listing(workshop_path, "pending")
    saved = pending[pending["area_code"] == "E01000904"]["text"].tolist()
    assert saved == [
        "The bus to the hospital stopped running in the evening. Email me [email removed]"
    ]
