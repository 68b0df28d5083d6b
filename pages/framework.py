"""Framework: domains and indicators, how every score is made, and weighting scenarios."""

import streamlit as st

from arp import levels, main_languages, method, settings
from arp.ui import data, framework_editor, signin, widgets
from arp.ui import weights as weights_ui
from arp.workshop import (
    EQUAL_WEIGHTS,
    Scenario,
    ScenarioError,
    delete_scenario,
    save_scenario,
    validate,
)

st.title("The framework")
st.write(
    "The Anti-Racist Places Framework is being co-created in workshops. This is the starting "
    "set of domains and open-data indicators; facilitators change it on the Edit the "
    "framework page, and every version is kept."
)
framework = data.framework()
st.caption(f"This is {framework.version_label}.")

for domain in framework.domains.values():
    with st.expander(widgets.literal(domain.title), expanded=False):
        st.text(domain.description)
        if domain.context_only:
            st.caption("Context: shown beside every view, never scored.")
        elif not data.domain_has_open_data(domain.id):
            st.warning("No open data yet: this domain has no indicator computed from open data.")
        table = data.framework_table(domain.id)
        if len(table):
            st.dataframe(table, hide_index=True, width="stretch")
        framework_editor.domain_themes(domain.id)

# The languages the participant pages offer stay tied to the evidence (issue 19).
st.header("Main languages in each district")
district_languages = main_languages.district_languages(data.connection())
if district_languages.empty:
    st.info(main_languages.NOT_LOADED)
else:
    st.caption(f"{main_languages.SOURCE}; share of residents aged 3 and over (residents).")
    st.dataframe(main_languages.in_words(district_languages), hide_index=True, width="stretch")

st.header("How the scores are made")
st.markdown(method.METHOD_TEXT)

st.header("Weighting scenarios")
st.write(
    "A composite score averages each area's position on the indicators (100 = worst-placed "
    "area). Weights say how much each domain counts. Saved scenarios live in the workshop "
    "database, so a workshop can keep the weights it chose."
)
options = data.scenarios()
chosen = st.selectbox("Scenario", options, format_func=lambda s: s.name)
st.caption("Set the weights (0 leaves a domain out):")
weights = {}
columns = st.columns(2)
for index, domain in enumerate(framework.scored_domains):
    weights[domain.id] = columns[index % 2].slider(
        widgets.literal(domain.title),
        0.0,
        5.0,
        float(chosen.domain_weights.get(domain.id, 1.0)),
        0.5,
    )
facilitator = signin.current_facilitator()
if facilitator:
    name = st.text_input("Save as", value="" if chosen.name == EQUAL_WEIGHTS else chosen.name)
    note = st.text_input("Note (optional)", value=chosen.note)
    if st.button("Save scenario"):
        try:
            scenario = validate(
                Scenario(name=name, domain_weights=weights, note=note),
                {d.id for d in framework.scored_domains},
                set(framework.indicators),
            )
            save_scenario(settings.workshop_database_path(), scenario, by=facilitator)
        except ScenarioError as error:
            st.error(f"Not saved: {widgets.plain(error)}")
        else:
            st.success(f"Saved {widgets.plain(scenario.name)}.")
    if chosen.name != EQUAL_WEIGHTS:
        with st.popover(f"Delete {widgets.plain(chosen.name)}"):
            st.write("Maps using it fall back to equal weights, for everyone.")
            if st.button("Delete it", key="delete_scenario", type="primary"):
                delete_scenario(settings.workshop_database_path(), chosen.name, by=facilitator)
                st.rerun()
else:
    st.caption(
        "Move the sliders to explore. Saved scenarios change the maps for everyone, so "
        "saving or deleting one is for a signed-in facilitator."
    )
    with st.expander("Facilitator sign-in"):
        signin.facilitator_signed_in()

st.subheader("Composite scores with these weights")
level = st.radio(
    "Areas", ["lsoa", "msoa", "ward", "lad"], format_func=levels.LABELS.get, horizontal=True
)
table = data.composite_table(level, Scenario("current", domain_weights=weights))
st.dataframe(table, width="stretch")
widgets.csv_download("Download (CSV)", table, f"arp-composites-{level}.csv", index=True)
weights_ui.framework_section(weights, level)

st.header("Evidence meets experience")
st.write(
    "For each area and domain: the domain's composite score from open data (100 = the "
    "worst-placed area) beside the number of approved workshop insights. Where they disagree "
    "is worth a conversation."
)
evidence_level = st.radio(
    "Areas",
    ["ward", "lad", "msoa"],
    format_func=levels.LABELS.get,
    horizontal=True,
    key="evidence_level",
)
evidence = data.evidence_table(evidence_level, Scenario("current", domain_weights=weights))
st.dataframe(evidence, hide_index=True, width="stretch")
