"""Files rendered on the server for download: map images, interactive maps, profile PDFs,
charts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from arp import exports, folium_map, leaflet, settings
from arp.framework import Framework
from arp.map_views import MapView
from arp.ui import data, page_state
from arp.view_state import ViewState
from arp.workshop import Scenario


def export_address() -> str:
    """The app's address that exports link back to, as the room's join links do:
    ARP_PUBLIC_URL, else the address this browser used, so the QR code on an image opens
    what the screen showed (outside a page run: ARP_PUBLIC_URL or the default)."""
    return page_state.room_address().url


def map_image(
    state: ViewState, size: str, suffix: str = ".png", view: MapView | None = None
) -> bytes:
    """The current map (`view`, as the page shows it, if given) as an image, rendered on
    the server."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"map{suffix}"
        exports.render_map(
            data.connection(),
            data.framework(),
            state,
            data.scenario_named(state.scenario),
            out,
            size,
            export_address(),
            view=view,
        )
        return out.read_bytes()


def interactive_map_possible() -> bool:
    """Whether the app has Leaflet to put in the file (else the file would need internet)."""
    return leaflet.present(settings.leaflet_dir())


def interactive_map(
    state: ViewState, view: MapView, framework: Framework, scenario: Scenario, address: str
) -> bytes:
    """The map on screen (`view`, as the page read it, under the page's `framework` and
    `scenario`, linking back to `address`) as one HTML file that opens with no internet
    (arp/folium_map.py). Called by the download button when it is pressed, on a thread of
    its own outside the page's run, where neither a link's pinned framework nor the
    browser's address is known: the page hands over its own."""
    shared = folium_map.view_map(
        data.connection(),
        framework,
        state,
        scenario,
        public_url=address,
        view=view,
    )
    return folium_map.html_document(shared).encode("utf-8")


def profile_pdf(code: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "profile.pdf"
        said = data.approved_insights(code)["text"].tolist()
        exports.render_profile(
            data.connection(), data.framework(), code, out, export_address(), said=said
        )
        return out.read_bytes()


def view_link(state: ViewState, page: str) -> str:
    """The link back to `page` showing `state`, at the app's public address."""
    return exports.view_link(state, export_address(), page)


def chart_png(
    labels,
    values,
    title,
    subtitle,
    value_label,
    source_ids,
    intervals=None,
    reference=None,
    *,
    period: str = "",
    link: str = "",
    direction: str = "",
    reference_label: str = "",
) -> bytes:
    """A chart of the current view as a PNG, with the same footer of sources as the maps,
    the period, the link back and which way is worse (exports.chart_figure)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "chart.png"
        lines = exports.attributions(data.connection(), source_ids)
        exports.render_chart(
            list(labels),
            list(values),
            title,
            subtitle,
            value_label,
            lines,
            out,
            intervals=intervals,
            reference=reference,
            period=period,
            link=link,
            direction=direction,
            reference_label=reference_label,
        )
        return out.read_bytes()
