"""The map on a touch phone (390x844, issue 14): a tap previews rather than navigates, the
place picker starts with every area a 44 px tap target, the app draws place names with no
network, and the legend sits clear of the areas it describes."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_map_in_chromium import AREAS, wait_for_map

pytestmark = pytest.mark.browser
TAP_TARGET_PX = 44


def offline(page) -> list[str]:
    """Refuse every request that leaves the test server (tiles, CDNs); returns their URLs."""
    refused: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if re.match(r"^(https?|wss?)://127\.0\.0\.1[:/]", url):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    return refused


def boxes(page) -> list[dict]:
    return [page.locator(AREAS).nth(n).bounding_box() for n in range(page.locator(AREAS).count())]


def test_a_tap_shows_a_card_and_does_not_navigate(server, phone):
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    phone.locator(AREAS).nth(3).tap()
    card = phone.locator(".arp-card")
    card.wait_for(state="visible", timeout=10_000)
    text = card.inner_text()
    assert "Solihull 001B" in text
    assert "10.0 % of households" in text
    assert "95% CI" in text
    phone.wait_for_timeout(1500)  # time enough for a navigation, were one to start
    assert "area_profile" not in phone.url
    box = card.bounding_box()
    assert box["width"] >= 300
    assert box["height"] >= 80
    action = card.get_by_role("button", name="Open profile")
    assert action.bounding_box()["height"] >= TAP_TARGET_PX
    phone.screenshot(path="/tmp/map-touch-card.png")
    action.tap()
    phone.wait_for_url(re.compile(r"/area_profile\?.*area=E01000904"), timeout=30_000)


def test_labels_are_drawn_with_no_network(server, phone):
    refused = offline(phone)
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    labels = phone.locator(".arp-label span")
    labels.first.wait_for(state="attached", timeout=10_000)

    def shown() -> set[str]:
        return {
            labels.nth(n).inner_text() for n in range(labels.count()) if labels.nth(n).is_visible()
        }

    def shown_soon(wanted) -> set[str]:
        """The labels shown once `wanted` holds of them, or after 10 s (a loaded machine
        animates a zoom slowly; the labels are placed when it ends)."""
        for _ in range(40):
            now = shown()
            if wanted(now):
                break
            phone.wait_for_timeout(250)
        return now

    phone.locator(".arp-map").scroll_into_view_if_needed()  # as a person would, to tap it
    # The fixture's few areas fit at a ward's zoom.
    at_first = shown_soon(lambda now: "Northfield Test" in now)
    assert "Northfield Test" in at_first
    assert not {"Birmingham", "Solihull"} & at_first
    for _ in range(3):  # out to the region's zoom: district names instead
        phone.locator(".leaflet-control-zoom-out").tap()
        phone.wait_for_timeout(400)
    zoomed_out = shown_soon(lambda now: {"Birmingham", "Solihull"} <= now)
    assert {"Birmingham", "Solihull"} <= zoomed_out
    assert "Northfield Test" not in zoomed_out
    assert refused == []  # street tiles are off by default: the names came from the app
    phone.screenshot(path="/tmp/map-touch-labels.png")


def test_the_legend_sits_below_the_areas_on_a_phone(server, phone):
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    phone.wait_for_timeout(500)
    legend = phone.locator(".arp-legend").bounding_box()
    drawn = boxes(phone)
    left = min(b["x"] for b in drawn)
    top = min(b["y"] for b in drawn)
    right = max(b["x"] + b["width"] for b in drawn)
    bottom = max(b["y"] + b["height"] for b in drawn)
    assert legend["y"] >= bottom or legend["x"] >= right  # no overlap with the areas
    assert not (
        legend["x"] < right
        and left < legend["x"] + legend["width"]
        and legend["y"] < bottom
        and top < legend["y"] + legend["height"]
    )
    # The main controls are above the map, without opening the sidebar.
    map_top = phone.locator(".arp-map").bounding_box()["y"]
    for label in ("Show", "Within"):
        control = phone.get_by_role("combobox", name=label, exact=True)
        assert control.is_visible()
        assert control.bounding_box()["y"] < map_top
    phone.screenshot(path="/tmp/map-touch-legend.png", full_page=True)


def test_the_map_refits_when_the_phone_turns(server, phone):
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    phone.set_viewport_size({"width": 844, "height": 390})
    phone.wait_for_timeout(1000)
    container = phone.locator(".arp-map").bounding_box()
    for box in boxes(phone):  # every area inside the map again
        assert box["x"] >= container["x"] - 1
        assert box["x"] + box["width"] <= container["x"] + container["width"] + 1


def test_an_area_chosen_from_the_list_shows_its_tooltip_whole_on_a_narrow_map(server, phone):
    """Chosen by keyboard from the list under a 390 px map (no pointer: a touch would open
    the area's card instead), the area's tooltip wraps (one line was 266 px), and the map
    moves so that all of it is on the map, none cut by its edge."""
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    area_list = phone.get_by_label("Choose an area from a list")
    container = phone.locator(".arp-map").bounding_box()
    for code in area_list.locator("option").evaluate_all("o => o.map(x => x.value)")[1:]:
        area_list.select_option(value=code)
        # The one before fades out for 200 ms: this area's tooltip is the one naming it.
        tooltip = phone.locator(".leaflet-tooltip", has_text=code)
        tooltip.wait_for(state="visible", timeout=10_000)
        box = tooltip.bounding_box()
        assert "% of households" in tooltip.inner_text()
        assert box["x"] >= container["x"] - 1, (code, box, container)
        assert box["y"] >= container["y"] - 1, (code, box, container)
        assert box["x"] + box["width"] <= container["x"] + container["width"] + 1, (code, box)
        assert box["y"] + box["height"] <= container["y"] + container["height"] + 1, (code, box)
        assert box["width"] <= container["width"] / 2 + 24, (code, box)  # wrapped, not one line
    phone.locator(".arp-map").screenshot(path="/tmp/map-touch-listed-tooltip.png")


def test_a_ward_found_by_name_zooms_the_picker_to_its_neighbourhoods(server, phone):
    """A misspelt ward name lists the ward, and the map shows its two neighbourhoods (the
    fixture's north LSOAs) as the search's matches, each wholly in view and a tap target;
    the ward, used as the place, is then outlined among its district's wards."""
    phone.goto(f"{server}/capture")
    wait_for_map(phone)
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("nothfield")
    search.press("Enter")
    found = '.arp-map path.leaflet-interactive[fill="#fdae6b"]'  # the search's matches
    phone.wait_for_function(f"document.querySelectorAll({found!r}).length === 2", timeout=30_000)
    phone.wait_for_timeout(500)
    container = phone.locator(".arp-map").bounding_box()
    for box in [phone.locator(found).nth(n).bounding_box() for n in range(2)]:
        assert box["x"] >= container["x"] - 1, box
        assert box["y"] >= container["y"] - 1, box
        assert box["x"] + box["width"] <= container["x"] + container["width"] + 1, box
        assert box["y"] + box["height"] <= container["y"] + container["height"] + 1, box
        assert min(box["width"], box["height"]) >= TAP_TARGET_PX, box
    phone.locator(".arp-map").screenshot(path="/tmp/map-touch-ward-search.png")
    phone.get_by_role("combobox", name="Matches", exact=True).tap()
    matches = phone.get_by_role("listbox").get_by_role("option")
    matches.filter(has_text="Northfield Test ward, Birmingham").tap()
    phone.get_by_role("button", name="Use this place").tap()
    phone.get_by_text("Place: Northfield Test ward, Birmingham").wait_for(timeout=30_000)
    # Its neighbourhoods stay shown as the matches, to tap one for a finer place; with the
    # search cleared, the ward is outlined among its district's wards.
    assert phone.locator(found).count() == 2
    search.fill("")
    search.press("Enter")
    phone.get_by_text("Showing: Birmingham (district)").wait_for(timeout=30_000)
    outlined = '.arp-map path.leaflet-interactive[stroke-width="4"]'  # the place chosen
    phone.locator(outlined).wait_for(timeout=30_000)
    assert phone.locator(outlined).count() == 1


def test_an_area_chosen_from_the_list_on_a_phone_shows_its_card(server, phone):
    """A phone has no Enter key: an area tapped in the list under the picker shows its card,
    whose button chooses it, as a tap on the map does."""
    phone.goto(f"{server}/capture")
    wait_for_map(phone)
    area_list = phone.get_by_label("Choose an area from a list")
    area_list.tap()
    area_list.select_option(label="Birmingham (district)")
    card = phone.locator(".arp-card")
    card.wait_for(state="visible", timeout=10_000)
    assert "Birmingham (district)" in card.inner_text()
    # Closed, it stays closed when the page runs again (a search that finds nothing).
    card.get_by_role("button", name="Close").tap()
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("zzzz")
    search.press("Enter")
    phone.get_by_text('No area is named like "zzzz"').wait_for(timeout=30_000)
    phone.wait_for_timeout(500)
    assert card.is_hidden()
    area_list.tap()
    area_list.select_option(label="Solihull (district)")
    area_list.tap()
    area_list.select_option(label="Birmingham (district)")
    card.wait_for(state="visible", timeout=10_000)
    card.get_by_role("button", name="Show its wards").tap()
    phone.get_by_text("Showing: Birmingham (district)").wait_for(timeout=30_000)


def test_the_note_pages_controls_are_44_px_targets_on_a_phone(server, phone, desktop):
    """On a touch screen the buttons, lists, the map's zoom buttons and the sidebar's toggle
    are 44 px targets, as the map's areas are; a mouse keeps Streamlit's own sizes."""
    phone.goto(f"{server}/capture")
    wait_for_map(phone)
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("B1 1AB")
    search.press("Enter")
    controls = {
        "Use this place": phone.get_by_role("button", name="Use this place"),
        "Matches": phone.get_by_role("combobox", name="Matches", exact=True).locator(".."),
        "zoom in": phone.locator(".leaflet-control-zoom-in"),
        "Save my note": phone.get_by_role("button", name="Save my note"),
        "sidebar": phone.locator('[data-testid="stExpandSidebarButton"]'),
    }
    controls["Use this place"].wait_for(timeout=30_000)
    for name, control in controls.items():
        box = control.first.bounding_box()
        assert box is not None, name
        assert box["height"] >= TAP_TARGET_PX, (name, box)
        assert box["width"] >= TAP_TARGET_PX, (name, box)
    desktop.goto(f"{server}/capture")
    wait_for_map(desktop)
    assert desktop.locator(".leaflet-control-zoom-in").bounding_box()["height"] < TAP_TARGET_PX


def test_the_match_chosen_in_the_list_is_outlined_on_the_map(server, phone):
    """A postcode's neighbourhoods are the map's matches; the one chosen in the list of
    matches is outlined among them, where it lies, and the view stays on all of them."""
    phone.goto(f"{server}/capture")
    wait_for_map(phone)
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill("b1")
    search.press("Enter")
    matches = '.arp-map path.leaflet-interactive[fill="#fdae6b"]'
    outlined = '.arp-map path.leaflet-interactive[stroke-width="4"]'

    def outlined_box() -> dict:
        """Where the outlined area is on the map (the page scrolls as the list opens)."""
        phone.locator(outlined).wait_for(timeout=30_000)
        assert phone.locator(outlined).count() == 1
        box, container = (
            phone.locator(outlined).bounding_box(),
            phone.locator(".arp-map").bounding_box(),
        )
        return {"x": box["x"] - container["x"], "y": box["y"] - container["y"]}

    phone.wait_for_function(f"document.querySelectorAll({matches!r}).length === 2")
    first = outlined_box()  # the first match, Birmingham 001A: the north-west square
    phone.get_by_role("combobox", name="Matches", exact=True).tap()
    options = phone.get_by_role("listbox").get_by_role("option")
    options.filter(has_text="Solihull 001B, in ").tap()
    phone.wait_for_function(
        f"document.querySelector({outlined!r}).getBoundingClientRect().x"
        f" - document.querySelector('.arp-map').getBoundingClientRect().x > {first['x'] + 10}",
        timeout=30_000,
    )
    chosen = outlined_box()  # Solihull 001B: the south-east square
    # A match tapped, its card closed: still filled as a match, the chosen one still outlined.
    phone.locator(".arp-map").scroll_into_view_if_needed()
    phone.locator(matches).first.tap()
    phone.locator(".arp-card").get_by_role("button", name="Close").tap()
    assert phone.locator(matches).count() == 2
    assert outlined_box() == chosen
    assert chosen["x"] > first["x"], (first, chosen)
    assert chosen["y"] > first["y"], (first, chosen)
    assert phone.locator(matches).count() == 2  # both still shown as matches
    phone.locator(".arp-map").screenshot(path="/tmp/map-touch-match-outlined.png")


def test_the_place_picker_starts_with_44_px_targets_and_drills_down(server, phone):
    phone.goto(f"{server}/capture")
    wait_for_map(phone)
    # As a participant does: scroll the map into view, then tap (a tap that has to scroll
    # the page first lands as the end of a scroll, not as a tap on the map).
    phone.locator(".arp-map").scroll_into_view_if_needed()
    phone.wait_for_timeout(800)

    def targets_are_large() -> list[dict]:
        """Every area wholly on the map is a 44 px target both ways. An area the map's edge
        cuts (drawn clipped by Leaflet) grows back as the map is dragged, so it is not
        measured cut; but at least one area is wholly on the map, to be seen and tapped."""
        container = phone.locator(".arp-map").bounding_box()
        shown = boxes(phone)
        assert shown
        inside = [
            box
            for box in shown
            if box["x"] >= container["x"] - 1
            and box["y"] >= container["y"] - 1
            and box["x"] + box["width"] <= container["x"] + container["width"] + 1
            and box["y"] + box["height"] <= container["y"] + container["height"] + 1
        ]

        def visible(box: dict) -> tuple[float, float]:  # the part of it inside the map
            left, top = max(box["x"], container["x"]), max(box["y"], container["y"])
            right = min(box["x"] + box["width"], container["x"] + container["width"])
            bottom = min(box["y"] + box["height"], container["y"] + container["height"])
            return right - left, bottom - top

        assert any(min(visible(box)) >= TAP_TARGET_PX for box in shown), (container, shown)
        assert inside, (container, shown)
        for box in inside:
            assert box["width"] >= TAP_TARGET_PX, box
            assert box["height"] >= TAP_TARGET_PX, box
        return shown

    assert len(targets_are_large()) == 2  # the fixture's two districts
    legend = phone.locator(".arp-legend").inner_text()
    assert "1.00 to 1.00" not in legend
    assert "District: tap one" in legend
    phone.screenshot(path="/tmp/map-touch-picker-1.png")
    phone.locator(".arp-map").scroll_into_view_if_needed()
    phone.locator(AREAS).first.tap()  # Birmingham: a card, then its wards
    phone.get_by_role("button", name="Show its wards").tap()
    phone.get_by_text("Showing: Birmingham (district)").wait_for(timeout=30_000)
    phone.wait_for_timeout(800)
    targets_are_large()
    # Its wards are named on the map, whatever zoom their tap targets needed.
    phone.locator(".arp-label-ward span:visible").first.wait_for(timeout=10_000)
    assert phone.locator(".arp-label-lad span:visible").count() == 0
    phone.locator(".arp-map").scroll_into_view_if_needed()
    phone.locator(AREAS).first.tap()
    phone.get_by_role("button", name="Show its neighbourhoods").tap()
    phone.get_by_text(re.compile(r"Showing: .* ward")).wait_for(timeout=30_000)
    phone.wait_for_timeout(800)
    targets_are_large()
    phone.locator(".arp-label-msoa span:visible").first.wait_for(timeout=10_000)
    phone.locator(".arp-map").scroll_into_view_if_needed()
    phone.locator(AREAS).first.tap()
    phone.get_by_role("button", name="Choose this place").tap()
    phone.get_by_text(re.compile(r"Place: Birmingham 001A, in .* ward, Birmingham")).wait_for(
        timeout=30_000
    )
    phone.screenshot(path="/tmp/map-touch-picker-chosen.png", full_page=True)


def test_the_tables_toolbar_leaves_the_heading_above_it_readable(server, phone):
    """A tap on the table shows its toolbar 44 px above it: on a phone, clear of the
    heading's words (it covered "table" in "The same data as a table")."""
    phone.goto(f"{server}/?show=no_car")
    wait_for_map(phone)
    table = phone.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.tap()
    toolbar = phone.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="visible", timeout=10_000)
    words_bottom = phone.get_by_role("heading", name="The same data as a table").evaluate(
        """(heading) => { const range = document.createRange(); range.selectNodeContents(heading);
             return range.getBoundingClientRect().bottom; }"""
    )
    assert toolbar.bounding_box()["y"] >= words_bottom
