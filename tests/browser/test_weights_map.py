"""In Chromium: the map coloured by how much its worst 10% depends on the weights draws its
four fixed classes in the legend, and the tooltip says it in words."""

from __future__ import annotations

import pytest

from arp import robustness

pytestmark = pytest.mark.browser
AREAS = ".arp-map path.leaflet-interactive"


def test_the_robustness_map_has_its_legend_and_words(server, desktop):
    desktop.goto(f"{server}/?show=overall")
    desktop.wait_for_selector(AREAS, timeout=60_000)
    desktop.get_by_text("How much its worst 10% depends on the weights").click()
    desktop.get_by_role("heading", name="how much the worst 10% depends on the weights").wait_for(
        timeout=60_000
    )
    legend = desktop.locator(".arp-legend")
    for name in robustness.CATEGORY_ORDER:
        legend.get_by_text(robustness.category_label(name)).wait_for(timeout=30_000)
    desktop.locator(AREAS).first.hover()
    tooltip = desktop.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    text = tooltip.inner_text()
    # four fixture areas: none is ever in a worst tenth, and the tooltip says so
    assert "Not in the worst 10% under any of the plausible weightings drawn" in text
    assert "Score under these weights:" in text
