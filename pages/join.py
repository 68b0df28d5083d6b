"""A workshop session's home on a participant's phone: what the session is, and the three
things to do in it. The join link and its QR code open this page."""

import streamlit as st

from arp import room, settings
from arp.ui import joining, language, widgets
from arp.ui.language import _

words = language.picker()
session = joining.joined_session(required=True, heading=_("Your session"))
assert session is not None  # joined_session stops the page otherwise
st.title(widgets.plain(session.title))
st.caption(
    widgets.plain(
        " · ".join(words.isolate(p) for p in (session.venue, words.date(session.held_on)) if p)
    )
)
st.write(_("Welcome. Your notes are anonymous; a facilitator reads each one before it is shown."))

# Fixed CSS, no user text: big buttons, easy to hit on a phone (at least 44 px tall).
st.markdown(
    "<style>.st-key-session_home button { min-height: 3.5rem; font-size: 1.1rem; }</style>",
    unsafe_allow_html=True,
)
state = room.state(settings.workshop_database_path(), session.session_id)
if state.ended:
    st.info(_("This session has ended. Thank you for coming."))
with st.container(key="session_home"):
    carry = language.link_params(session=session.session_id)
    if state.capture_open and st.button(
        _("Add what you know about a place"),
        icon=":material/edit_note:",
        type="primary",
        width="stretch",
    ):
        st.switch_page("pages/capture.py", query_params=carry)
    if state.voting_open and st.button(
        _("Vote on priorities"), icon=":material/how_to_vote:", width="stretch"
    ):
        st.switch_page("pages/vote.py", query_params=carry)
    if st.button(_("See the room's map"), icon=":material/map:", width="stretch"):
        st.switch_page("pages/map.py", query_params=carry)
if not state.ended and not state.voting_open:
    st.caption(_("Voting on priorities opens when the facilitator says so: come back here then."))
widgets.privacy_link(words)
