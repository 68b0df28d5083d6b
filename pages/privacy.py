"""Privacy notice: what is stored, what never is, who sees it, how long it is kept, and how to
ask for a note to be removed."""

import streamlit as st

from arp import privacy, sessions, settings
from arp.ui import language
from arp.ui.language import _

words = language.picker()
st.title(_("Privacy notice"))
wanted = st.query_params.get("session")
session = next(
    (s for s in sessions.listing(settings.workshop_database_path()) if s.session_id == wanted),
    None,
)
sections = privacy.notice(
    settings.privacy_contact(),
    session.retention_days if session else privacy.DEFAULT_RETENTION_DAYS,
    session.title if session else None,
    session.held_on if session else None,
    words,
)
for section in sections:
    st.subheader(section.heading)
    for paragraph in section.paragraphs:
        st.text(paragraph)  # a session's title and the contact come from people: never Markdown
