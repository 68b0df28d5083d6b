"""Framework: domains and indicators, how every score is made, and weighting scenarios."""

import streamlit as st

from arp import levels, method, settings
from arp.ui import data, widgets
from arp.workshop import Scenario, ScenarioError, save_scenario, validate

st.title("The framework")
st.write(
    "The Anti-Racist Places Framework is being co-created in workshops. This is the starting "
    "set of domains and open-data indicators; facilitators change it in `data/framework.toml`."
)
framework = data.framework()

for domain in framework.domains.values():
    with st.expander(domain.title, expanded=False):
        st.write(domain.description)
        if domain.context_only:
            st.caption("Context: shown beside every view, never scored.")
        elif not data.domain_has_open_data(domain.id):
            st.warning("No open data yet: this domain has no indicator computed from open data.")
        table = data.framework_table(domain.id)
        if len(table):
            st.dataframe(table, hide_index=True, width="stretch")

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
        domain.title, 0.0, 5.0, float(chosen.domain_weights.get(domain.id, 1.0)), 0.5
    )
name = st.text_input("Save as", value="" if chosen.name == "Equal weights" else chosen.name)
note = st.text_input("Note (optional)", value=chosen.note)
if st.button("Save scenario"):
    try:
        scenario = validate(
            Scenario(name=name, domain_weights=weights, note=note),
            {d.id for d in framework.scored_domains},
            set(framework.indicators),
        )
        save_scenario(settings.workshop_database_path(), scenario)
    except ScenarioError as error:
        st.error(f"Not saved: {error}")
    else:
        st.success(f"Saved {widgets.plain(scenario.name)}.")

st.subheader("Composite scores with these weights")
level = st.radio(
    "Areas", ["lsoa", "msoa", "ward", "lad"], format_func=levels.LABELS.get, horizontal=True
)
table = data.composite_table(level, Scenario("current", domain_weights=weights))
st.dataframe(table, width="stretch")
widgets.csv_download("Download (CSV)", table, f"arp-composites-{level}.csv", index=True)

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
