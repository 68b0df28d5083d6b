"""West Midlands Anti-Racist Places: the Streamlit entry point. Page setup and navigation only."""

from pathlib import Path

import streamlit as st

import arp
from arp.ui import data

st.set_page_config(
    page_title="West Midlands Anti-Racist Places",
    # Material Symbols' "diversity_3" (Apache 2.0) drawn from the font Streamlit ships, as
    # SVG: named ":material/diversity_3:", the tab icon would come from fonts.gstatic.com.
    page_icon=Path(arp.__file__).with_name("page_icon.svg").read_text(),
    layout="wide",
)

if data.current_status().ready:
    pages = [
        st.Page("pages/map.py", title="Map explorer", icon=":material/map:", default=True),
        st.Page("pages/area_profile.py", title="Area profile", icon=":material/location_on:"),
        st.Page("pages/compare.py", title="Compare areas", icon=":material/compare_arrows:"),
        st.Page("pages/equity_gaps.py", title="Gaps between groups", icon=":material/balance:"),
        st.Page("pages/capture.py", title="Add an insight", icon=":material/edit_note:"),
        st.Page("pages/vote.py", title="Vote on priorities", icon=":material/how_to_vote:"),
        st.Page(
            "pages/moderate.py", title="Moderate (facilitators)", icon=":material/shield_person:"
        ),
        st.Page("pages/overview.py", title="About the data", icon=":material/info:"),
        st.Page("pages/framework.py", title="Framework", icon=":material/account_tree:"),
        st.Page("pages/sources.py", title="Data sources", icon=":material/source:"),
        st.Page("pages/setup.py", title="Set up data", icon=":material/build:"),
    ]
else:
    pages = [st.Page("pages/setup.py", title="Set up data", icon=":material/build:", default=True)]

st.navigation(pages).run()
