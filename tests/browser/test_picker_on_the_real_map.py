"""The place picker on the real boundaries, on a phone: each step's areas are 44 px tap
targets at the zoom the map settles on, and named on the map (issue 14)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import module_server
from tests.browser.test_map_in_chromium import AREAS, wait_for_map
from tests.browser.test_map_on_a_phone import TAP_TARGET_PX

pytestmark = [pytest.mark.browser, pytest.mark.real_data]

WMCA_DISTRICTS = {
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
}


@pytest.fixture(scope="module")
def real_server(real_db, workshop_path, tmp_path_factory):
    with module_server(real_db, workshop_path, tmp_path_factory, "real_server") as base:
        yield base


def wholly_shown(page, areas: str = AREAS) -> list[dict]:
    """The boxes of the areas `areas` selects drawn wholly inside the map (an area the map's
    edge cuts grows back as the map is dragged, so it is not measured cut; one well off the
    map is not drawn at all, its path "M0 0")."""
    container = page.locator(".arp-map").bounding_box()
    shown = page.evaluate(
        f"() => [...document.querySelectorAll({areas!r})].map(p => {{"
        " const b = p.getBoundingClientRect();"
        " return {x: b.x, y: b.y, width: b.width, height: b.height}; })"
    )
    return [
        box
        for box in shown
        if box["width"]
        and box["height"]
        and box["x"] >= container["x"] - 1
        and box["y"] >= container["y"] - 1
        and box["x"] + box["width"] <= container["x"] + container["width"] + 1
        and box["y"] + box["height"] <= container["y"] + container["height"] + 1
    ]


def choose_from_the_list(page, code: str) -> None:
    """As a keyboard user does: the area list under the map, then Enter."""
    area_list = page.locator(".arp-area-list select")
    area_list.select_option(value=code)
    area_list.press("Enter")


def test_birminghams_wards_are_tap_targets_and_named_on_the_map(real_server, phone):
    phone.goto(f"{real_server}/capture")
    wait_for_map(phone)
    phone.locator(".arp-label-lad span:visible").first.wait_for(timeout=30_000)
    districts = wholly_shown(phone)
    assert len(districts) >= 7  # the seven WMCA districts, and any neighbour drawn whole
    assert min(min(box["width"], box["height"]) for box in districts) >= TAP_TARGET_PX
    # Every district named, the smallest too (Wolverhampton's name moved clear of Walsall's).
    assert set(phone.locator(".arp-label-lad span:visible").all_inner_texts()) >= WMCA_DISTRICTS

    choose_from_the_list(phone, "E08000025")  # Birmingham
    phone.get_by_text("Showing: Birmingham (district)").wait_for(timeout=60_000)
    phone.locator(".arp-label-ward span:visible").first.wait_for(timeout=30_000)
    phone.wait_for_timeout(1_000)  # a fit that animated would still be moving now
    wards = wholly_shown(phone)
    # Birmingham has 69 wards (2018 boundaries); the map shows some whole and drags to the rest.
    assert wards
    smallest = min(min(box["width"], box["height"]) for box in wards)
    assert smallest >= TAP_TARGET_PX, (
        f"{len(wards)} wards shown whole, the smallest {smallest:.0f} px"
    )
    assert phone.locator(".arp-label-ward span:visible").count() >= 3
    assert phone.locator(".arp-label-lad span:visible").count() == 0


CANDIDATE_FILL = "#fdae6b"  # the picker's fill for the neighbourhoods a search found


@pytest.mark.parametrize("outward_code", ["B1", "B4"])
def test_a_postcode_district_shows_some_of_its_neighbourhoods_whole(
    real_server, phone, outward_code
):
    """Zoomed in until its smallest neighbourhood is a 44 px target, the middle of a postcode
    district's neighbourhoods can fall where none of them is wholly shown (B1 and B4 showed
    none of theirs): the map then centres on the one nearest its middle that fits."""
    phone.goto(f"{real_server}/capture")
    wait_for_map(phone)
    search = phone.get_by_label("Find an area (name or postcode)")
    search.fill(outward_code)
    search.press("Enter")
    candidates = f'.arp-map path.leaflet-interactive[fill="{CANDIDATE_FILL}"]'
    phone.locator(candidates).first.wait_for(state="attached", timeout=60_000)  # maybe off the map
    phone.wait_for_timeout(1_000)  # a fit that animated would still be moving now
    whole = wholly_shown(phone, candidates)
    assert whole, f"none of {outward_code}'s neighbourhoods is wholly on the map"
    assert min(min(box["width"], box["height"]) for box in whole) >= TAP_TARGET_PX
