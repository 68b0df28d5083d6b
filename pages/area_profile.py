"""Area profile: every indicator for one area, with benchmarks, its people, gaps and services."""

import streamlit as st

from arp import profiles, view_state
from arp.ui import data, files, page_state, widgets
from data_loaders import SERVICE_TYPES

framework = data.framework()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text

code = state.area or data.query("within_options")["code"].iloc[0]
with st.sidebar:
    found, _ = widgets.find_area_box(level=state.level)
if found:
    code = found
info, indicators = profiles.profile(data.connection(), framework, code)
page_state.write_state(view_state.ViewState(**{**state.__dict__, "area": code}))

name = f"{info['name_hcl']} ({info['name']})" if info.get("name_hcl") else info["name"]
st.title(name)
st.caption(f"{widgets.plain(data.area_label(code))} · {code}")
st.page_link(
    "pages/map.py",
    label="Back to the map",
    icon=":material/map:",
    query_params={**state.to_params(), "area": code},
)

if st.button("Prepare a PDF of this profile"):
    st.download_button(
        "Download PDF",
        files.profile_pdf(code),
        file_name=f"arp-profile-{code}.pdf",
        mime="application/pdf",
    )

st.subheader("Indicators")
st.write(
    "Each value beside the area mapped (all seven districts here) and England, where the data "
    "cover England. Percentile: 0 = lowest value among the areas mapped, 100 = highest."
)
if indicators.empty:
    st.info("No indicator has a value for this area.")
else:
    st.dataframe(indicators, hide_index=True, width="stretch")
    widgets.csv_download("Download (CSV)", indicators, f"arp-profile-{code}.csv")

st.subheader("Who lives here (Census 2021)")
composition = profiles.ethnic_composition(data.connection(), code)
broad = composition[composition["group_level"] == "broad"].set_index("ethnic_group")
if len(broad):
    st.bar_chart(broad["share"], horizontal=True, x_label="% of residents", y_label="")
    st.dataframe(composition[["ethnic_group", "residents", "share"]].round(1), hide_index=True)

if info["level"] in ("ward", "lad", "ca"):
    st.subheader("Stop and search by ethnic group")
    widgets.stop_search_table(code)

st.subheader("What people said about this place")
said = data.approved_insights(code)
if said.empty:
    st.caption("No approved workshop insight here yet.")
else:
    st.dataframe(said[["kind", "domain", "text"]], hide_index=True, width="stretch")
widgets.privacy_link()

st.subheader("Services here")
services = profiles.nearby_services(data.connection(), code)
if services.empty:
    kinds = [kind.singular for kind in SERVICE_TYPES.values()]
    listed = ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else "".join(kinds)
    st.caption(f"No {listed or 'service'} is placed in this area.")
else:
    labels = {kind.id: kind.item_label for kind in SERVICE_TYPES.values()}
    services["service"] = services["service"].map(lambda t: labels.get(t, t))
    st.dataframe(services, hide_index=True, width="stretch")
