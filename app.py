"""West Midlands Anti-Racist Places: the Streamlit entry point. Page setup and navigation only."""

import streamlit as st

from arp import settings
from arp.ui import accessibility, data, language, page_state, signin, widgets

st.set_page_config(
    page_title="West Midlands Anti-Racist Places",
    page_icon=widgets.page_icon(),  # a file: a :material/ name is fetched from Google
    layout="wide",
)
accessibility.fixed_styles()  # caption contrast and the print stylesheet, on every page

if data.current_status().ready:
    pages = [
        st.Page("pages/map.py", title="Map explorer", icon=":material/map:", default=True),
        st.Page("pages/area_profile.py", title="Area profile", icon=":material/location_on:"),
        st.Page("pages/compare.py", title="Compare areas", icon=":material/compare_arrows:"),
        st.Page("pages/equity_gaps.py", title="Gaps between groups", icon=":material/balance:"),
        st.Page("pages/join.py", title="Your session", icon=":material/groups:"),
        st.Page("pages/capture.py", title="Add an insight", icon=":material/edit_note:"),
        st.Page("pages/vote.py", title="Vote on priorities", icon=":material/how_to_vote:"),
        st.Page(
            "pages/moderate.py", title="Moderate (facilitators)", icon=":material/shield_person:"
        ),
        st.Page(
            "pages/console.py", title="Room console (facilitators)", icon=":material/co_present:"
        ),
        st.Page("pages/privacy.py", title="Privacy notice", icon=":material/privacy_tip:"),
        st.Page("pages/overview.py", title="About", icon=":material/info:"),
        st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:"),
        st.Page("pages/framework.py", title="Framework", icon=":material/account_tree:"),
        st.Page(
            "pages/framework_editor.py",
            title="Edit the framework (facilitators)",
            icon=":material/edit:",
        ),
        st.Page("pages/sources.py", title="Data sources", icon=":material/source:"),
        st.Page("pages/setup.py", title="Set up data", icon=":material/build:"),
    ]
else:
    pages = [st.Page("pages/setup.py", title="Set up data", icon=":material/build:", default=True)]

settings.configure_logging()
# The workshop session a participant joined travels with every page, the sidebar's too.
page_state.carry_session()
language.carry_language()  # and the participant's language
navigation = st.navigation(pages)
signin.account_box()  # who is signed in, and the sign-out, on every page
# One version of the public database for the page's whole run; a rebuild shows next run.
with data.reading(pinned_framework=page_state.framework_pin()):
    navigation.run()
