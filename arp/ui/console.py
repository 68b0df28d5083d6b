"""The room console's parts: the session's QR codes at projector size, its state and the
buttons that change it, live counts, and the room's result once revealed."""

from __future__ import annotations

import streamlit as st

from arp import i18n, insights, joining, room, sessions
from arp.ui import data, page_state, signin, widgets
from arp.workshop import Store

COUNTS_EVERY_SECONDS = 5  # live enough for a room, light on a laptop serving 60 phones
QR_SCALE = 20  # pixels a module: even a short link's code is 660 px, never blown up
QR_WIDTH = 420  # on the facilitator's laptop
QR_WIDTH_PROJECTED = 640  # readable from the back of a room
_MESSAGE = "console_message"


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(link: str) -> bytes:
    return sessions.qr_png(link, scale=QR_SCALE)


def session_picker(path: Store) -> sessions.Session | None:
    """The session named in the link (?session=), or one chosen here (then put in the link,
    so the console can be bookmarked and reloaded)."""
    known = {s.session_id: s for s in sessions.listing(path)}
    chosen = st.query_params.get("session")
    if chosen in known:
        return known[chosen]
    if not known:
        st.info("No sessions yet: create one on the Moderate page.")
        return None
    picked = st.selectbox(
        "Session",
        list(known),
        index=None,
        placeholder="Choose a session",
        format_func=lambda s: f"{known[s].title} · {known[s].held_on:%d %b %Y}",
    )
    if picked is None:
        return None
    st.query_params["session"] = picked
    return known[picked]


def projector_view() -> bool:
    """The toggle between the facilitator's view and the room's (the projector): the room's
    has no sidebar, no notes waiting and no buttons, and bigger QR codes."""
    projector = st.toggle(
        "Projector view: only what the room may see (no notes waiting, no buttons)",
        key="projector-view",
    )
    if projector:
        st.markdown(page_state.PRESENTATION_CSS, unsafe_allow_html=True)  # fixed CSS only
    return projector


def heading(session: sessions.Session) -> None:
    place = f" · {session.venue}" if session.venue else ""
    st.header(widgets.plain(f"{session.title}{place}"))
    st.caption(f"{session.held_on:%A %d %B %Y}")


def qr_codes(session: sessions.Session, projector: bool = False) -> None:
    """Join and vote, each a QR code big enough to scan from the back of a room."""
    address = page_state.room_address()
    if address.loopback and not projector:
        st.warning(joining.loopback_warning(address), icon=":material/wifi_off:")
    # One QR code per language to print: the links carry it (lang=), and a participant can
    # still change it on their phone. "The browser's" leaves it to each phone.
    key = f"qr-language-{session.session_id}"
    if not projector:
        st.selectbox(
            "Language of these links",
            ["", *i18n.LANGUAGES],
            format_func=lambda code: (
                "Each phone's own (from its browser)"
                if not code
                else f"{i18n.LANGUAGES[code].english_name} ({i18n.LANGUAGES[code].native_name})"
            ),
            key=key,
        )
    lang = st.session_state.get(key) or None
    join, vote = st.columns(2)
    for column, title, link in (
        (
            join,
            "Scan to join the session",
            sessions.join_link(address.url, session.session_id, lang),
        ),
        (vote, "Scan to vote", joining.vote_link(address.url, session.session_id, lang)),
    ):
        with column:
            st.subheader(title)
            st.image(qr_png(link), width=QR_WIDTH_PROJECTED if projector else QR_WIDTH)
            st.code(link, language=None, wrap_lines=True)  # as text, with a copy button


def state_in_words(state: room.RoomState) -> str:
    if state.ended:
        return "This session has ended: note-taking and voting are closed."
    return " · ".join(
        (
            f"Note-taking {'open' if state.capture_open else 'closed'}",
            f"voting {'open' if state.voting_open else 'closed'}",
            f"results {'shown' if state.results_revealed else 'hidden'}",
        )
    )


@st.fragment(run_every=COUNTS_EVERY_SECONDS)
def live_counts(path: Store, session_id: str) -> None:
    """Notes waiting, approved, ballots, and the room's state: refreshed every few seconds."""
    counts = insights.counts(path, session_id)
    pending, approved, ballots = st.columns(3)
    pending.metric("Notes waiting", f"{counts.get('pending', 0):,}")
    approved.metric("Notes approved", f"{counts.get('approved', 0):,}")
    ballots.metric("Ballots", f"{sessions.ballot_count(path, session_id):,}")
    st.caption(state_in_words(room.state(path, session_id)))


def _change(path: Store, session_id: str, action: str) -> None:
    st.session_state.pop("confirm-end", None)
    try:
        room.change(path, session_id, action, signin.current_facilitator())
    except room.RoomError as error:
        st.session_state[_MESSAGE] = f"Not changed: {error}."


def _ask_to_end(asking: bool) -> None:
    st.session_state["confirm-end"] = asking


def controls(path: Store, session_id: str) -> None:
    """Open and close note-taking and voting, reveal or hide the results, end the session."""
    state = room.state(path, session_id)
    said = st.session_state.pop(_MESSAGE, None)
    if said:
        st.error(widgets.plain(said))
    with st.expander("What has changed, and who changed it"):
        st.dataframe(room.history(path, session_id), hide_index=True, width="stretch")
    if state.ended:
        return
    *toggles, end = st.columns(4)
    for column, (now_open, to_open, to_close) in zip(
        toggles,
        (
            (
                state.capture_open,
                ("open_capture", "Open note-taking"),
                ("close_capture", "Close note-taking"),
            ),
            (state.voting_open, ("open_voting", "Open voting"), ("close_voting", "Close voting")),
            (
                state.results_revealed,
                ("reveal_results", "Reveal results"),
                ("hide_results", "Hide results"),
            ),
        ),
        strict=True,
    ):
        action, label = to_close if now_open else to_open
        column.button(
            label, key=f"room-{action}", on_click=_change, args=(path, session_id, action)
        )
    if st.session_state.get("confirm-end"):
        st.warning("End the session? Note-taking and voting close for good.")
        yes, no = st.columns(2)
        yes.button(
            "Yes, end it",
            key="room-end_session",
            type="primary",
            on_click=_change,
            args=(path, session_id, "end_session"),
        )
        no.button("Keep it going", key="room-end-cancel", on_click=_ask_to_end, args=(False,))
    else:
        end.button("End the session…", key="room-end", on_click=_ask_to_end, args=(True,))


def results(path: Store, session: sessions.Session, projector: bool) -> None:
    """The room's dots once revealed; saving them as weights once voting has closed."""
    st.subheader("The room's priorities")
    shown = sessions.revealed_results(path, session.session_id)
    if shown is None:
        st.write("Hidden until you reveal them, so that nobody votes with the crowd.")
        return
    if shown.empty:
        st.write("No ballots yet.")
        return
    framework = data.framework()
    titles = {d.id: d.title for d in framework.domains.values()}
    people = sessions.ballot_count(path, session.session_id)
    st.caption(f"{people:,} {'person' if people == 1 else 'people'} voted.")
    st.bar_chart(
        shown.assign(domain=shown["domain"].map(titles)).set_index("domain")["dots"],
        horizontal=True,
        y_label="",
        x_label="dots",
    )
    if projector:
        return
    if room.state(path, session.session_id).voting_open:
        st.caption("Close voting to save the room's result as a weighting scenario.")
        return
    name = st.text_input(
        "Save the room's dots as weights named",
        value=f"{session.title} dots",
        key=f"name-{session.session_id}",
    )
    if st.button("Save as weighting scenario", key=f"scenario-{session.session_id}"):
        try:
            scenario = sessions.save_room_scenario(
                path,
                session,
                name,
                [d.id for d in framework.scored_domains],
                set(framework.indicators),
                signin.current_facilitator(),
            )
        except (sessions.SessionError, room.RoomError, ValueError) as error:
            st.error(widgets.plain(f"Not saved: {error}."))
        else:
            st.success(f"Saved {widgets.plain(scenario.name)}: choose it under Weights on the map.")
