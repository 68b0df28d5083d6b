"""Area profile, read in a minute: a summary in words, a spine chart per domain, who lives
here, stop and search, every approved note in full, and the services by kind."""

import streamlit as st

from arp import charts, profiles, view_state
from arp.ui import data, files, page_state, weights, widgets

framework = data.framework()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text

code = state.area or data.query("within_options")["code"].iloc[0]
with st.sidebar:
    found, _ = widgets.find_area_box(level=state.level)
if found:
    code = found
con = data.connection()
info, indicators = profiles.profile(con, framework, code)
page_state.write_state(view_state.ViewState(**{**state.__dict__, "area": code}))

name = f"{info['name_hcl']} ({info['name']})" if info.get("name_hcl") else info["name"]
st.title(name)
st.caption(f"{widgets.literal(data.area_label(code))} · {code}")
st.caption(f"Indicators and domains as in {framework.version_label}.")
if not state.area and not found:
    st.info("This is the whole area mapped. Find a neighbourhood, ward or district in the sidebar.")
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

spine = profiles.spine_rows(con, framework, info)
notes = data.approved_insights(code)
summary = profiles.area_summary(con, framework, info, spine, notes)
st.subheader("In short")
widgets.bullets(summary.points())
weights.profile_lines(code, info.get("level", state.level), state.scenario)
region = data.query("area_facts", code=profiles.benchmark_code(info))["display_name"]
if not profiles.is_region(info) and len(region):
    st.caption(f"The region: {widgets.literal(region.iloc[0])}")

st.subheader("Each indicator against the region and England")
st.caption(charts.SPINE_KEY)
widgets.glossary_links("interval", "suppression", "worst-tenth", "percentile", "decile")
for domain in framework.domains.values():
    rows = spine[spine["domain"] == domain.id] if len(spine) else spine
    if rows.empty:
        continue
    st.markdown(f"#### {widgets.literal(domain.title)}")
    st.vega_lite_chart(
        charts.spine_chart(rows),
        width="stretch",
        alt=f"{domain.title}: each indicator for this area against the region and England. "
        "The same values are in the table below the chart.",
    )
    with st.expander(f"{widgets.literal(domain.title)}: the numbers"):
        st.dataframe(
            profiles.spine_table(rows, "Region", info["level"]), hide_index=True, width="stretch"
        )
if missing := profiles.not_drawn(framework, spine):
    st.caption(profiles.not_drawn_sentence(missing, info["level"]))
    with st.expander("Which ones"):
        widgets.bullets([(title, []) for title in missing])
if not indicators.empty:
    widgets.csv_download("Download every indicator (CSV)", indicators, f"arp-profile-{code}.csv")

st.subheader("Who lives here (Census 2021)")
composition = profiles.ethnic_composition(con, code)
broad = composition[composition["group_level"] == "broad"]
if broad.empty:
    st.caption("Census 2021 ethnic groups are not loaded.")
else:
    st.vega_lite_chart(
        charts.labelled_bars(
            broad["ethnic_group"].tolist(),
            broad["share"].tolist(),
            "% of residents",
            texts=profiles.share_words(broad),
        ),
        width="stretch",
        alt="Residents by Census 2021 broad ethnic group; the same in the table below.",
    )
    st.dataframe(profiles.composition_table(composition), hide_index=True, width="stretch")

if info["level"] in profiles.STOP_SEARCH_LEVELS:
    st.subheader("Stop and search by ethnic group")
    widgets.stop_search_table(code)

st.subheader("What people said about this place")
if notes.empty:
    st.caption("No approved workshop note about this place yet.")
for _, note in notes.iterrows():
    with st.container(border=True):
        st.caption(profiles.note_heading(note, framework))
        st.text(note["text"])  # as typed: never Markdown
widgets.privacy_link()

st.subheader("Services")
for group in profiles.service_groups(con, info, spine):
    st.markdown(f"**{group.kind.label}**: {group.sentence(info['level'])}")
    if group.places.empty:
        continue
    if info["level"] == "lsoa":
        st.dataframe(group.places, hide_index=True, width="stretch")
    else:
        with st.expander(profiles.places_heading(group)):
            st.dataframe(group.places, hide_index=True, width="stretch")
