"""The participant's token: who a ballot belongs to, kept by the browser (arp/participant.js:
local storage and a cookie), so that a reload or another page is the same voter. It is a
random id, separate from a note's double-tap token, and never an IP address or user agent."""

from __future__ import annotations

import uuid
from pathlib import Path

import streamlit as st

from arp import sessions

COOKIE = "arp_participant"
_KEY = "participant_token"
_KEEPER = st.components.v2.component(
    "arp.participant", js=(Path(__file__).parent.parent / "participant.js").read_text()
)


def participant_token() -> str | None:
    """This browser's participant token, or None on the very first run of a new browser
    (the browser then reports the one it keeps, and the page runs again)."""
    known = st.session_state.get(_KEY)
    if not sessions.valid_voter_token(known):
        cookie = st.context.cookies.get(COOKIE)
        known = cookie if sessions.valid_voter_token(cookie) else None
    proposed = st.session_state.setdefault(f"{_KEY}_proposed", uuid.uuid4().hex)
    result = _KEEPER(
        key="participant_token_keeper",
        data={"proposed": proposed, "known": known},
        on_token_change=lambda: None,
    )
    reported = getattr(result, "token", None)
    token = known or (reported if sessions.valid_voter_token(reported) else None)
    if token:
        st.session_state[_KEY] = token
    return token
