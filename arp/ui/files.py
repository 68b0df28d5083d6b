"""Files rendered on the server for download: map images, interactive maps, profile PDFs,
charts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from arp import exports, folium_map, leaflet, settings
from arp.framework import Framework
from arp.map_views import MapView
from arp.ui import data
from arp.view_state import ViewState
from arp.workshop import Scenario


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
            settings.public_url(),
            view=view,
        )
        return out.read_bytes()


def interactive_map_possible() -> bool:
    """Whether the app has Leaflet to put in the file (else the file would need internet)."""
    return leaflet.present(settings.leaflet_dir())


def interactive_map(
    state: ViewState, view: MapView, framework: Framework, scenario: Scenario
) -> bytes:
    """The map on screen (`view`, as the page read it, under the page's `framework` and
    `scenario`) as one HTML file that opens with no internet (arp/folium_map.py). Called by
    the download button when it is pressed, on a thread of its own outside the page's run,
    where a link's pinned framework is not known: the page hands over its own."""
    shared = folium_map.view_map(
        data.connection(),
        framework,
        state,
        scenario,
        public_url=settings.public_url(),
        view=view,
    )
    return folium_map.html_document(shared).encode("utf-8")


def profile_pdf(code: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "profile.pdf"
        said = data.approved_insights(code)["text"].tolist()
        exports.render_profile(
            data.connection(), data.framework(), code, out, settings.public_url(), said=said
        )
        return out.read_bytes()


def view_link(state: ViewState, page: str) -> str:
    """The link back to `page` showing `state`, at the app's public address."""
    return exports.view_link(state, settings.public_url(), page)


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
