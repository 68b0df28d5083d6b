"""West Midlands Anti-Racist Places: the Streamlit entry point. Page setup and navigation only."""

import streamlit as st

from arp.ui import data

st.set_page_config(
    page_title="West Midlands Anti-Racist Places",
    page_icon=":material/diversity_3:",
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
        st.Page(
            "pages/console.py", title="Room console (facilitators)", icon=":material/co_present:"
        ),
        st.Page("pages/overview.py", title="About the data", icon=":material/info:"),
        st.Page("pages/framework.py", title="Framework", icon=":material/account_tree:"),
        st.Page("pages/sources.py", title="Data sources", icon=":material/source:"),
        st.Page("pages/setup.py", title="Set up data", icon=":material/build:"),
    ]
else:
    pages = [st.Page("pages/setup.py", title="Set up data", icon=":material/build:", default=True)]

st.navigation(pages).run()
