"""The page's state: the view in the URL, widget defaults from it, the workshop session a
join link names, per-note tokens, and presentation mode."""

from __future__ import annotations

import os
import re
import uuid

import streamlit as st

from arp import insights, joining, limits, sessions, settings, view_state
from arp.ui import data

SESSION_PARAMETER = "session"  # a join link's workshop session
FRAMEWORK_PARAMETER = "fw"  # a framework version a link pins
LANGUAGE_PARAMETER = "lang"  # the participant pages' language (arp.i18n), a join link's too
# Every query parameter a page reads: tests/app/test_crafted_links.py feeds each of them
# Markdown and HTML on every page, and tests/test_registry.py checks that none is missing.
LINK_PARAMETERS = (
    *view_state.PARAMETERS,
    SESSION_PARAMETER,
    FRAMEWORK_PARAMETER,
    LANGUAGE_PARAMETER,
)


def framework_pin() -> int | None:
    """?fw=N: the framework version a link pins (data.framework checks it exists). ASCII
    digits only: "²".isdigit() is true, and int() refuses it."""
    raw = st.query_params.get(FRAMEWORK_PARAMETER)
    return int(raw) if raw and re.fullmatch(r"[0-9]{1,8}", raw) else None


def current_state() -> tuple[view_state.ViewState, list[view_state.LinkProblem]]:
    """The view the URL asks for, with messages for anything that had to fall back."""
    within = data.query("within_options")
    state, problems = view_state.parse_state(
        dict(st.query_params),
        data.framework(),
        data.area_codes(),
        within["code"].tolist(),
        [s.name for s in data.scenarios()],
    )
    pinned = st.query_params.get(FRAMEWORK_PARAMETER)
    if pinned is not None and data.framework().version != framework_pin():
        problems.append(view_state.LinkProblem(FRAMEWORK_PARAMETER, pinned))
    return state, problems


def write_state(state: view_state.ViewState) -> None:
    """Put the view in the URL so a copied link reopens it."""
    params = state.to_params()
    if session := st.query_params.get("session"):  # the workshop session travels too
        params["session"] = session
    pinned = data.pinned_framework_version()  # a framework version the link pins
    if pinned is not None:
        params[FRAMEWORK_PARAMETER] = str(pinned)
    if lang := st.query_params.get(LANGUAGE_PARAMETER):  # and the participant's language
        params[LANGUAGE_PARAMETER] = lang
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def from_view(key: str, current, options=None) -> str:
    """Start the widget `key` at the view's value (from the URL) the first time it is drawn,
    and leave it to the user after that. Passing index= or default= from the URL on every
    run instead makes Streamlit treat a changed index as a new widget, which drops the
    user's next choice. Returns the key, for the widget call."""
    value = st.session_state.get(key)
    valid = value is not None and (
        options is None
        or (all(v in options for v in value) if isinstance(value, list) else value in options)
    )
    if not valid:
        st.session_state[key] = current
    return key


def submission_token() -> str:
    """One token per note being written: a double tap saves it once."""
    if "submission_token" not in st.session_state:
        new_submission_token()
    return st.session_state["submission_token"]


def new_submission_token() -> None:
    st.session_state["submission_token"] = uuid.uuid4().hex


def participant() -> str:
    """This browser session, as the limit on saving counts it (never the IP address: a room
    on venue wifi shares one)."""
    if "participant" not in st.session_state:
        st.session_state["participant"] = uuid.uuid4().hex
    return st.session_state["participant"]


@st.cache_resource
def note_limit() -> limits.RateLimit:
    """One count of saves per app process, for every session it serves (see arp.limits for
    why that is enough behind several replicas)."""
    return insights.note_limit()


PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"] { display: none !important; }
h1 { font-size: 3rem !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
</style>
"""


def presentation_mode() -> bool:
    """?present=1: no sidebar or controls, a larger map and title, for the room's screen."""
    if st.query_params.get("present") != "1":
        return False
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)  # fixed CSS, no user text
    return True


# The workshop session a participant joined, kept for the browser session so it travels
# with every navigation: the sidebar's links carry no query string, so app.py puts it back
# into the URL at the top of every run (carry_session).
SESSION_KEY = "workshop_session"


def carry_session() -> None:
    """Keep the session a link names (when it exists), or put the kept one back in the URL.
    A link naming an unknown session is left as it is, for the page to refuse."""
    in_link = st.query_params.get("session")
    if in_link is not None and in_link != st.session_state.get(SESSION_KEY):
        # Checked once per browser session, not on every rerun (app.py and the page both
        # call this; the page's own joined_session still refuses a session that has gone).
        known = {s.session_id for s in sessions.listing(settings.workshop_database_path())}
        if in_link in known:
            st.session_state[SESSION_KEY] = in_link
    elif kept := st.session_state.get(SESSION_KEY):
        st.query_params["session"] = kept


def room_address() -> joining.RoomAddress:
    """The address the facilitator's browser used (or ARP_PUBLIC_URL), for the room's links."""
    return joining.room_address(
        os.environ.get("ARP_PUBLIC_URL"),
        st.context.url,
        dict(st.context.headers),
        settings.PUBLIC_URL_DEFAULT,
    )
