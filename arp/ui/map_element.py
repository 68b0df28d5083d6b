"""The map in the page: a Streamlit v2 component (arp/area_map.js) that draws a
maps.MapSpec with Leaflet, no iframe, and reports the area clicked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

from arp import db, map_views, maps, web
from arp.ui import data
from arp.view_state import ViewState
from data_loaders import SERVICE_TYPES


def map_layers(state: ViewState, overlays: list[str]) -> dict:
    """District outlines and the point overlays the user picked, for maps.choropleth."""
    layers: list[dict] = []
    types = [o for o in overlays if o in SERVICE_TYPES]
    if types:
        services = data.query("services_within", within=state.within, types=types)
        layers += maps.service_overlays(services)
    if maps.STOP_SEARCH_OVERLAY in overlays and db.has_table(
        data.connection(), "stop_search_events"
    ):
        layers.append(
            maps.stop_search_overlay(data.query("stop_search_by_lsoa", within=state.within))
        )
    if maps.INSIGHTS_OVERLAY in overlays:
        points = data.query("area_points", level="lsoa", within=state.within)
        counts = data.insight_counts("lsoa")
        points["insights"] = points["code"].map(counts).fillna(0).astype(int)
        layers.append(maps.insights_overlay(points))
    districts = (
        data.query("district_outlines", within=state.within) if state.level != "lad" else None
    )
    return {"districts": districts, "overlays": layers}


def map_source_line(view: map_views.MapView) -> str:
    return f"{view.period}. Made {date.today():%d %b %Y}. Contains ONS and OS data, OGL v3.0"


_AREA_MAP = st.components.v2.component(
    "arp.area_map",
    js=(Path(__file__).parent.parent / "area_map.js").read_text(),
    css=(Path(__file__).parent.parent / "area_map.css").read_text(),
    isolate_styles=False,  # Leaflet's stylesheet must reach the map
)


def area_map(
    key: str, build: Callable[..., maps.MapSpec], geometry_version: str | None = None
) -> str | None:
    """Draw a map in the page and return the code of an area just clicked, if any.

    build(geometry_version=..., held=..., publish=..., base_url_path=...) makes the map's
    spec. Served by serve.py, the geometry is a file the browser fetches and keeps
    (arp.web); else, geometry the browser already holds (sent earlier in this session) is
    left out of it. If the browser reports it missing (or the file unreachable), the next
    run sends it again, in the message. The geometry's version is the database file's,
    unless given."""
    held_key = f"_arp_geometry_held_{key}"
    inline_key = f"_arp_geometry_inline_{key}"
    if geometry_version is None:
        path, modified = data.database_version()
        geometry_version = f"{path}:{modified}"
    held = st.session_state.get(held_key, frozenset())
    base_url_path = st.get_option("server.baseUrlPath") or ""
    spec = build(
        geometry_version=geometry_version,
        held=held,
        publish=None if st.session_state.get(inline_key) else web.GEOMETRY.publisher(base_url_path),
        base_url_path=base_url_path,
    )

    def geometry_missing() -> None:
        st.session_state.pop(held_key, None)
        st.session_state[inline_key] = True

    result = _AREA_MAP(
        key=key,
        data=spec.data,
        on_clicked_change=lambda: None,
        on_missing_geometry_change=geometry_missing,
    )
    st.session_state[held_key] = held | set(spec.geometry_ids)
    return result.clicked


def place_picker(within: str) -> str | None:
    """A small map of LSOAs: tapping one chooses it (stored at LSOA, never as a point)."""
    frame = map_views.areas_within(data.connection(), "lsoa", within)
    if frame.empty:
        return None
    frame = frame.assign(value=1.0)
    return area_map(
        "place_picker",
        lambda **common: maps.choropleth(
            frame,
            "Tap the area your note is about",
            "LSOAs: small neighbourhoods of about 1,500 residents",
            "no_judgement",
            "context",
            [[name] for name in frame["name"]],
            "quantiles",
            "Contains ONS and OS data, OGL v3.0",
            height=360,
            label="Map of neighbourhoods: tap one to choose it, or find it by name or postcode",
            **common,
        ),
    )
