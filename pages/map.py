"""Map explorer: any indicator or composite, by LSOA, MSOA, ward or district."""

from datetime import date

import streamlit as st

from arp import explorer, maps, ui
from data_loaders import SERVICE_TYPES

framework = ui.framework()
presenting = ui.presentation_mode()
state, problems = ui.view_state()
for problem in problems:
    st.warning(problem)

within_options = ui.query("within_options")
within_names = dict(zip(within_options["code"], within_options["name"], strict=True))
options = ui.show_options()

with st.sidebar:
    st.header("Map")
    show = st.selectbox(
        "Show",
        options,
        key=ui.from_view("map_show", state.show, options),
        format_func=lambda v: explorer.show_label(v, framework),
    )
    level = ui.level_picker(state.level, "map_level")
    within = st.selectbox(
        "Within",
        list(within_names),
        key=ui.from_view("map_within", state.within, within_names),
        format_func=within_names.get,
    )
    schemes = list(maps.SCHEMES)
    scheme = st.selectbox(
        "Classes",
        schemes,
        key=ui.from_view("map_scheme", state.scheme, schemes),
        format_func=maps.SCHEMES.get,
    )
    scenario_names = [s.name for s in ui.scenarios()]
    scenario = state.scenario
    if show not in framework.indicators:
        scenario = st.selectbox(
            "Weights",
            scenario_names,
            key=ui.from_view("map_weights", state.scenario, scenario_names),
        )
    overlay_labels = {
        **{kind.id: kind.label for kind in SERVICE_TYPES.values()},
        ui.STOP_SEARCH_OVERLAY: "Stop and search",
        ui.INSIGHTS_OVERLAY: "Workshop insights",
    }
    overlays = st.multiselect(
        "Show on the map", list(overlay_labels), format_func=overlay_labels.get
    )
    tiles = st.checkbox("Street base map (needs internet)", value=True)
    st.divider()
    found, action = ui.find_area_box(on_map=True)

state = explorer.ViewState(
    level=level,
    within=within,
    show=show,
    scenario=scenario,
    scheme=scheme,
    area=found or state.area,
    compare=state.compare,
    gap_indicator=state.gap_indicator,
    present=presenting,
    map_view=state.map_view,
)
ui.write_state(state)
if action == "profile":
    st.switch_page("pages/area_profile.py", query_params=state.to_params())

view = ui.map_view(state)
place = within_names[within]
st.title(f"{view.title}")
st.caption(
    f"{ui.LEVEL_LABELS[level]} in {place} · {view.period} · map made {date.today():%d %B %Y}"
)
if view.message:
    st.info(view.message)

code = ui.area_map(
    "explorer_map",
    lambda **common: explorer.view_map(
        view,
        state.scheme,
        ui.map_source_line(view),
        **ui.map_layers(state, overlays),
        tiles=tiles,
        focus=state.area,
        height=760 if presenting else 560,
        start_view=explorer.map_view_from(state.map_view or ""),
        view_in_url=True,
        **common,
    ),
)
if code:
    st.switch_page("pages/area_profile.py", query_params={**state.to_params(), "area": code})

if presenting:
    st.caption(f"{view.caveats} · Sources: see the Data sources page.")
    st.stop()

st.caption(view.caveats)
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
            ui.map_image(state, size),
            file_name=f"arp-map-{show.replace(':', '-')}-{level}-{size}.png",
            mime="image/png",
        )
st.page_link(
    "pages/map.py",
    label="Presentation mode (for the room's screen)",
    icon=":material/slideshow:",
    query_params={**state.to_params(), "present": "1"},
)
with st.expander("Sources"):
    for line in ui.attribution_for(state):
        st.text(line)

st.subheader("The same data as a table")
table = explorer.table_view(view)
st.dataframe(table, hide_index=True, width="stretch")
ui.csv_download("Download table (CSV)", table, f"arp-{show.replace(':', '-')}-{level}-{within}.csv")
