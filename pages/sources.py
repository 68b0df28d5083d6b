"""Data sources: provenance of every loaded file, read from the `sources` table."""

import streamlit as st

from arp import snapshot, tables
from arp.ui import data, widgets

st.title("Data sources")
st.write(
    "Every figure in this app comes from these public files. Each was checked when loaded "
    "(columns, area codes, row counts); the SHA-256 of each file is in the `sources` table."
)
if bundled := snapshot.note(data.connection()):
    st.info(bundled)
loaded = data.query("sources_loaded")
st.dataframe(
    tables.sources_table(loaded),
    hide_index=True,
    width="stretch",
    column_config={"Landing page": st.column_config.LinkColumn("Landing page")},
)
widgets.csv_download("Download this list (CSV)", loaded, "arp-data-sources.csv")
st.subheader("Attribution")
for line in tables.attribution_lines(loaded):
    st.text(line)

not_loaded = tables.sources_not_loaded(loaded)
if len(not_loaded):
    st.subheader("Declared but not loaded")
    st.write(
        "The product knows these official sources; they appear as soon as their files are "
        "provided (`arp build --source-dir FOLDER --only SOURCE`)."
    )
    st.dataframe(not_loaded, hide_index=True, width="stretch")
