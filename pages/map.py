"""Map explorer: any indicator or composite, by LSOA, MSOA, ward or district."""

from datetime import date
from functools import partial

import streamlit as st

from arp import levels, map_views, maps, tables, view_state
from arp.ui import data, files, language, map_element, page_state, weights, widgets
from data_loaders import SERVICE_TYPES

framework = data.framework()
presenting = page_state.presentation_mode()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text
if not presenting:
    language.room_map_header()  # a participant from the session page: the way back

within_options = data.query("within_options")
within_names = dict(zip(within_options["code"], within_options["name"], strict=True))
options = [show.param for show in view_state.show_choices(framework)]

# The main choices sit above the map, where a phone shows them without the sidebar.
main_controls = st.sidebar if presenting else st.expander("What the map shows", expanded=True)
with main_controls:
    show_column, within_column = st.columns([3, 2])
    show = show_column.selectbox(
        "Show",
        options,
        key=page_state.from_view("map_show", state.show.param, options),
        format_func=lambda v: view_state.Show.from_param(v).choice_label(framework),
    )
    within = within_column.selectbox(
        "Within",
        list(within_names),
        key=page_state.from_view("map_within", state.within, within_names),
        format_func=within_names.get,
    )
    level = widgets.level_picker(state.level, "map_level")

with st.sidebar:
    st.header("Map")
    schemes = list(maps.SCHEMES)
    scheme = st.selectbox(
        "Classes",
        schemes,
        key=page_state.from_view("map_scheme", state.scheme, schemes),
        format_func=maps.SCHEMES.get,
    )
    scenario_names = [s.name for s in data.scenarios()]
    scenario = state.scenario
    if view_state.Show.from_param(show).is_composite:
        scenario = st.selectbox(
            "Weights",
            scenario_names,
            key=page_state.from_view("map_weights", state.scenario, scenario_names),
        )
    colouring = weights.colour_by(view_state.Show.from_param(show), scenario, state)
    overlay_labels = {
        **{kind.id: kind.label for kind in SERVICE_TYPES.values()},
        **maps.COUNT_OVERLAY_LABELS,
    }
    overlays = st.multiselect(
        "Show on the map",
        list(overlay_labels),
        # Opened from a session ("See the room's map"): the room's notes are what they came for.
        default=[maps.INSIGHTS_OVERLAY] if st.query_params.get("session") else [],
        format_func=overlay_labels.get,
    )
    tiles = st.checkbox(
        "Street base map (needs internet)",
        value=False,  # off: each tile asks OpenStreetMap's server for the area on screen
        help="The streets come from OpenStreetMap's tile server, which then sees the area "
        "you look at.",
    )
    st.divider()
    found, action = widgets.find_area_box(on_map=True, level=level)

state = view_state.ViewState(
    level=level,
    within=within,
    show=show,
    scenario=scenario,
    scheme=scheme,
    area=found or state.area,
    compare=state.compare,
    gap_indicator=state.gap_indicator,
    present=presenting,
    map_position=state.map_position,
    colour_by=colouring.by,
    colour_other=colouring.other,
)
page_state.write_state(state)
if action == "profile":
    st.switch_page("pages/area_profile.py", query_params=state.to_params())

view = weights.shown_view(data.current_view(state), colouring, state)
place = within_names[within]
st.title(view.title)  # the framework's words: saved without markup (framework_versions.MARKUP)
st.caption(
    f"{levels.LABELS[level]} in {place} · {view.period} · map made {date.today():%d %B %Y}"
    f" · {framework.version_label}"
)
if state.area:
    st.caption(f"Chosen area: {widgets.literal(data.area_label(state.area))}")
if not presenting:
    terms = [widgets.LEVEL_TERMS[level], "percentile", "worst-tenth", "interval", "suppression"]
    if view.scale == "decile":
        terms.insert(2, "decile")
    if state.show.is_composite:
        terms.insert(1, "composite")
    widgets.glossary_links(*terms)
if view.message:
    st.info(view.message)

code = map_element.area_map(
    "explorer_map",
    lambda **common: map_views.map_spec(
        view,
        state.scheme,
        map_element.map_source_line(view),
        **map_element.map_layers(state, overlays),
        tiles=tiles,
        focus=state.area,
        height=760 if presenting else 560,
        start_view=view_state.parse_map_position(state.map_position or ""),
        view_in_url=True,
        place_labels=map_element.map_labels(within),
        **common,
    ),
    skip_to_table=not presenting,  # the table is under the map, except when presenting
    presenting=presenting,
)
if code:
    st.switch_page("pages/area_profile.py", query_params={**state.to_params(), "area": code})

if presenting:
    st.caption(f"{widgets.literal(view.caveats)} · Sources: see the Data sources page.")
    st.stop()

st.caption(widgets.literal(view.caveats))
# The table straight under the map: a keyboard user leaves the map (one tab stop) for it.
st.subheader("The same data as a table")
table = map_views.table_view(view)
st.dataframe(table, hide_index=True, width="stretch")
widgets.csv_download(
    "Download table (CSV)", table, f"arp-{show.replace(':', '-')}-{level}-{within}.csv"
)
weights.composite_notes(view, state)
widgets.privacy_link()
with st.expander("Download this map as an image"):
    st.write("With its title, legend, sources, date and a QR code back to this view.")
    size = st.radio(
        "Size",
        ["slide", "square", "a4"],
        horizontal=True,
        format_func={"slide": "Slide (16:9)", "square": "Social (square)", "a4": "A4 print"}.get,
    )
    if st.button("Prepare the image"):
        st.download_button(
            "Download PNG",
            files.map_image(state, size, view=view),
            file_name=f"arp-map-{show.replace(':', '-')}-{level}-{size}.png",
            mime="image/png",
        )
st.download_button(
    "Download interactive map",
    # Built when pressed, not on every run (on a thread of its own): with this run's framework.
    partial(
        files.interactive_map,
        state,
        view,
        framework,
        data.scenario_named(state.scenario),
        files.export_address(),
    ),
    file_name=f"arp-map-{show.replace(':', '-')}-{level}-{within}.html",
    mime="text/html",
    on_click="ignore",
    disabled=not files.interactive_map_possible(),
    help="One HTML file with the same classes, legend and tooltips: it opens in a browser "
    "with no internet, from an email or a USB stick.",
)
st.page_link(
    "pages/map.py",
    label="Presentation mode (for the room's screen)",
    icon=":material/slideshow:",
    query_params={**state.to_params(), "present": "1"},
)
with st.expander("Sources"):
    for line in tables.attribution_for(framework, state.show, data.query("sources_loaded")):
        st.text(line)
