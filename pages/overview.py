"""Overview: what the database covers."""

import streamlit as st

from arp import levels
from arp.ui import data

st.title("West Midlands Anti-Racist Places")
st.write(
    "An evidence base for the Anti-Racist Places Framework being co-created in workshops "
    "across the West Midlands. Public data on neighbourhoods, loaded from official sources."
)
counts = data.query("area_counts")
labels = levels.LABELS
columns = st.columns(len(counts))
for column, row in zip(columns, counts.itertuples(), strict=True):
    column.metric(labels.get(row.level, row.level), f"{row.areas:,}")
st.caption("Where every figure comes from, and under which licence: see **Data sources**.")
