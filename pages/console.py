"""The room console: a session on the facilitator's laptop and the projector. Its QR codes,
note-taking and voting opened and closed, the results revealed, the moderation queue."""

import streamlit as st

from arp import settings
from arp.ui import console, moderation, signin

st.title("Room console")
if not signin.facilitator_signed_in():
    st.stop()

path = settings.workshop_database_path()
session = console.session_picker(path)
if session is None:
    st.stop()
projector = console.projector_view()
console.heading(session)
console.qr_codes(session, projector)
console.live_counts(path, session.session_id)
if not projector:
    console.controls(path, session.session_id)
    st.subheader("Notes waiting for moderation")
    moderation.moderation_queue(path, session.session_id)
console.results(path, session, projector)
