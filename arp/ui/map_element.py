"""The map in the page: a Streamlit v2 component (arp/area_map.js) that draws a
maps.MapSpec with Leaflet, no iframe, and reports the area clicked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

from arp import db, i18n, map_views, maps, search, web
from arp.ui import data, widgets
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
    key: str,
    build: Callable[..., maps.MapSpec],
    geometry_version: str | None = None,
    *,
    skip_to_table: bool = False,
    presenting: bool = False,
    words: i18n.Translator = i18n.ENGLISH,
) -> str | None:
    """Draw a map in the page and return the code of an area just clicked, if any.

    build(geometry_version=..., held=..., publish=..., base_url_path=...) makes the map's
    spec. Served by serve.py, the geometry is a file the browser fetches and keeps
    (arp.web); else, geometry the browser already holds (sent earlier in this session) is
    left out of it. If the browser reports it missing (or the file unreachable), the next
    run sends it again, in the message. The geometry's version is the database file's,
    unless given. skip_to_table: a "Skip to the table" link before the map, for a page
    with the map's table under it; presenting: the legend sized for a projector; words: the
    language of the map's own words (its legend's no-data row, buttons, layer names)."""
    held_key = f"_arp_geometry_held_{key}"
    inline_key = f"_arp_geometry_inline_{key}"
    if geometry_version is None:
        path, version = data.database_version()
        geometry_version = f"{path}:{version}"
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
        data={
            **spec.data,
            "skip_to_table": skip_to_table,
            "presenting": presenting,
            "words": map_words(words),
        },
        on_clicked_change=lambda: None,
        on_missing_geometry_change=geometry_missing,
    )
    st.session_state[held_key] = held | set(spec.geometry_ids)
    return result.clicked


def map_labels(within: str, picker_step: str | None = None) -> dict:
    """The names the map draws itself (districts, wards, MSOAs) for an area's maps: by zoom,
    or on the place picker those its step shows (maps.PICKER_LABEL_LEVELS)."""
    areas = data.query("place_labels", within=within)
    if picker_step is None:
        return maps.place_labels(areas)
    return maps.place_labels(areas, maps.picker_label_tiers(picker_step))


def map_words(words: i18n.Translator) -> dict[str, str]:
    """The words arp/area_map.js draws itself, in the page's language."""
    _ = words.gettext
    return {
        "no_data": _("Suppressed or no data"),
        "close": _("Close"),
        "skip": _("Skip to the table"),
        "street_map": _("Street map"),
        # The list keyboard users choose areas from; {action}: what Enter does (the tap
        # card's button: "Open profile", "Choose this place").
        "list_label": _("Choose an area from a list"),
        "list_hint": _("Arrow keys move through the areas; Enter: {action}."),
        "list_first": _("Every area, by name"),
    }


TAP_TARGET_PX = 44  # WCAG 2.5.5: the smallest a tap target should be, both ways
PICKER_STEPS = {  # what each step shows, and what a tap on one of its areas does
    "lad": (i18n.N_("District"), i18n.N_("Show its wards")),
    "ward": (i18n.N_("Ward"), i18n.N_("Show its neighbourhoods")),
    "lsoa": (i18n.N_("Neighbourhood (LSOA)"), i18n.N_("Choose this place")),
}
_PICKER_PATH = "_arp_picker_path"  # the district and ward chosen so far, in that order
_PICKER_CHOSEN = "_arp_picker_chosen"


def _picker_path_to(code: str) -> list[str] | None:
    """The district and ward an LSOA lies in, or the district a ward lies in, for the picker
    to show the place chosen among its neighbours (None for any other area)."""
    parents = data.query("lsoa_ancestors")
    if code in set(parents["code"]):
        row = parents.set_index("code").loc[code]
        return [row["lad_code"], row["ward_code"]]
    in_ward = parents[parents["ward_code"] == code]
    return [in_ward["lad_code"].iloc[0]] if not in_ward.empty else None


def search_candidates(text: str) -> list[str]:
    """The neighbourhoods (LSOAs) a search finds, for the picker to zoom to."""
    return search.neighbourhoods_found(data.connection(), text) if text else []


def place_picker(
    within: str,
    chosen: str | None = None,
    candidates: list[str] | None = None,
    tiles: bool = False,
    words: i18n.Translator = i18n.ENGLISH,
) -> str | None:
    """Find a place by drilling down, district -> ward -> neighbourhood (LSOA), each step
    zoomed so that every area is a tap target of 44 px or more; or, given search results
    (LSOA codes), the neighbourhoods zoomed to those. Returns the LSOA chosen by a tap (notes
    are kept at LSOA, never as a point). The place `chosen` is outlined and zoomed to.
    Street tiles only when the session's facilitator turned them on (sessions.street_tiles):
    a tile server would see the area a participant zooms to. `words`: the participant's
    language, for the legend, the buttons and the tap card (area names stay official)."""
    _ = words.gettext
    if chosen and st.session_state.get(_PICKER_CHOSEN) != chosen:
        st.session_state[_PICKER_CHOSEN] = chosen  # newly chosen: show it among its neighbours
        ancestors = _picker_path_to(chosen)
        if ancestors:
            st.session_state[_PICKER_PATH] = ancestors
    path: list[str] = list(st.session_state.get(_PICKER_PATH, []))
    found = list(candidates or ())
    searching = bool(found) and chosen not in found
    picked = st.session_state.get(widgets.FOUND_PICK_KEY)  # the match chosen in its list
    if searching:
        level, inside = "lsoa", within
    else:
        level = list(PICKER_STEPS)[len(path)]
        inside = path[-1] if path else within
    # Names of the step's areas in the district shown (MSOAs are not nested in wards), or
    # in the one the search's matches lie in.
    named_within = path[0] if path and not searching else within
    if searching:
        districts = {(_picker_path_to(code) or [within])[0] for code in found}
        named_within = districts.pop() if len(districts) == 1 else within
    if path and not searching:
        names = search.describe_areas(data.connection(), path)
        # official names
        shown = words.isolate(names.get(path[-1], path[-1]))
        st.caption(_("Showing: {area}").format(area=shown))
        back = _("Back to all districts") if len(path) == 1 else _("Back to the district's wards")
        if st.button(back, key="picker_back", icon=":material/arrow_back:"):
            st.session_state[_PICKER_PATH] = path[:-1]
            st.rerun()
    frame = map_views.areas_within(data.connection(), level, inside)
    if frame.empty:
        return None
    frame = frame.assign(value=1.0)
    names_of = search.describe_areas(data.connection(), frame["code"].tolist())
    kind, action = (_(word) for word in PICKER_STEPS[level])
    rows = [("#6baed6", _("{kind}: tap one, then “{action}”").format(kind=kind, action=action))]
    if searching:
        rows.append(("#fdae6b", _("Matches for your search")))
    tapped = area_map(
        "place_picker",
        lambda **common: maps.choropleth(
            frame,
            _("Find your place"),
            "",
            "no_judgement",
            "context",
            [
                [names_of.get(code, name)]
                for code, name in zip(frame["code"], frame["name"], strict=True)
            ],
            "quantiles",
            "Contains ONS and OS data, OGL v3.0",
            height=420,
            tiles=tiles,
            label=_("Map for choosing your place: tap an area, or find it by name or postcode"),
            place_labels=map_labels(named_within, picker_step=level),
            candidates=found if searching else (),
            marked=picked if searching and picked in found else None,
            # The place chosen (a ward or a neighbourhood) among the step's areas; while
            # searching the map fits the matches instead, the one chosen in their list marked.
            focus=chosen if not searching and chosen in set(frame["code"]) else None,
            min_target_px=TAP_TARGET_PX,
            preview_action=action,
            legend=rows,
            **common,
        ),
        words=words,
    )
    if tapped and level != "lsoa":
        st.session_state[_PICKER_PATH] = [*path, tapped]
        st.rerun()
    return tapped
