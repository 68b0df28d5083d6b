"""About: what the product is and how to use it, in one screen."""

import streamlit as st

from arp import levels
from arp.ui import data

st.title("About West Midlands Anti-Racist Places")
st.write(
    "Leaders across the West Midlands pledged in October 2024 to make the region actively "
    "anti-racist. The Anti-Racist Places Framework that follows is being co-created in "
    "workshops run by the Ethnic Minority Council and the Birmingham Race Impact Group. "
    "This tool gives those workshops an evidence base: public data on every neighbourhood, "
    "side by side with what people in the room know about their places."
)
left, right = st.columns(2)
with left:
    st.markdown(
        "**What you can do**\n"
        "- **Map explorer**: any measure, or a score made from several, for every "
        "neighbourhood, ward or district.\n"
        "- **Area profile**: one place on one page, against the region and England.\n"
        "- **Compare areas**: up to six places side by side.\n"
        "- **Gaps between groups**: how residents of each Census ethnic group fare.\n"
        "- **Your session**: in a workshop, add what you know about a place and vote on "
        "what matters most."
    )
with right:
    st.markdown(
        "**What to keep in mind**\n"
        "- Every figure comes from an official public source, named on the **Data sources** "
        "page with its licence and date. Where a figure cannot be worked out, the page says "
        "so.\n"
        "- Small numbers are withheld; values come with their 95% interval where they have "
        "one.\n"
        "- Scores made from several measures depend on how they are weighted: the weights "
        "are the room's to choose.\n"
        "- Workshop notes are shown only once a facilitator has approved them, without "
        "names."
    )
counts = data.query("area_counts")
columns = st.columns(len(counts))
for column, row in zip(columns, counts.itertuples(), strict=True):
    column.metric(levels.LABELS.get(row.level, row.level), f"{row.areas:,}")
st.caption(
    "The words used (LSOA, percentile, interval…): see the [Glossary](glossary). How each "
    "score is made: the [Framework](framework) page."
)
