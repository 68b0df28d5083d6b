"""The participant pages' session: the one the link names, refused with a message when it
does not exist, and the open sessions to join when there is none."""

from __future__ import annotations

from datetime import date

import streamlit as st

from arp import joining, sessions, settings
from arp.sessions import Session
from arp.ui import language, page_state
from arp.ui.language import _
from arp.ui.widgets import plain


def joined_session(required: bool, heading: str | None = None) -> Session | None:
    """The session this page runs in. Without one, says so (under `heading`, for a page
    whose title is the session's) and lists the open sessions; a required one stops the page
    there, and so does a link naming a session that does not exist (a note must not be kept
    silently for no session)."""
    page_state.carry_session()  # app.py does this too; AppTest runs a page without it
    words = language.current()
    known = sessions.listing(settings.workshop_database_path())
    session, refusal = joining.choose_session(st.query_params.get("session"), known, words)
    if session is not None:
        return session
    if heading:
        st.title(heading)
    if refusal:
        st.error(plain(refusal))  # it quotes the link
    elif required:
        st.info(
            _(
                "You are not in a workshop session. Open your session's link or scan its QR "
                "code, or choose it below."
            )
        )
    else:
        st.info(
            _(
                "You are not in a workshop session. Open your session's link or scan its QR "
                "code, or choose it below. A note added without one is kept for no session."
            )
        )
    open_now = joining.open_sessions(known, date.today())
    if open_now:
        st.subheader(_("Open sessions"))
        for choice in open_now:
            st.page_link(
                "pages/join.py",
                label=plain(joining.describe(choice, words)),
                icon=":material/groups:",
                query_params=language.link_params(session=choice.session_id),
            )
    else:
        st.caption(_("No session is open today or later."))
    if required or refusal:
        st.stop()
    return None
