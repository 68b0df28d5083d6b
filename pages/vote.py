"""Dot-voting: spread 10 dots across what matters most for an anti-racist place. One ballot
per participant per session: voting again replaces it, after a reload too."""

import streamlit as st

from arp import room, sessions, settings
from arp.ui import data, joining, participant, widgets

framework = data.framework()
st.title("What matters most?")
path = settings.workshop_database_path()
session = joining.joined_session(required=True)
assert session is not None  # joined_session stops the page otherwise
session_id = session.session_id
st.caption(f"{widgets.plain(session.title)} · {session.held_on:%d %B %Y}")
st.page_link(
    "pages/join.py",
    label="Back to your session",
    icon=":material/home:",
    query_params={"session": session_id},
)
widgets.privacy_link()
state = room.state(path, session_id)
token = participant.participant_token()


def show_results() -> None:
    shown = sessions.revealed_results(path, session_id)
    if shown is None:
        st.caption("The room's results stay private until the facilitator reveals them.")
        return
    if shown.empty:
        return
    titles = {d.id: d.title for d in framework.domains.values()}
    st.subheader("The room's priorities")
    st.bar_chart(
        shown.assign(domain=shown["domain"].map(titles)).set_index("domain")["dots"],
        horizontal=True,
        y_label="",
        x_label="dots",
    )


if state.ended or not state.voting_open:
    st.info(
        "This session has ended. Thank you."
        if state.ended
        else "Voting is not open yet: the facilitator will open it."
    )
    show_results()
    st.stop()
if token is None:
    st.caption("Getting your ballot ready…")
    st.stop()

cast = sessions.ballot(path, session_id, token)
keys = {domain.id: f"dots-{session_id}-{domain.id}" for domain in framework.scored_domains}
for domain_id, key in keys.items():
    st.session_state.setdefault(key, cast.get(domain_id, 0))  # your ballot, after a reload
st.write(f"You have {sessions.DOTS} dots. Give more to what matters more.")
dots = {
    domain.id: st.number_input(
        domain.title, min_value=0, max_value=sessions.DOTS, step=1, key=keys[domain.id]
    )
    for domain in framework.scored_domains
}
placed = sum(dots.values())
st.progress(
    min(placed, sessions.DOTS) / sessions.DOTS, text=f"{placed} of {sessions.DOTS} dots placed"
)
if st.button("Change my dots" if cast else "Cast my dots", type="primary"):
    try:
        sessions.vote(
            path,
            session_id,
            token,
            {k: int(v) for k, v in dots.items()},
            set(keys),
        )
    except sessions.SessionError as error:
        st.error(f"Not saved: {error}.")
    else:
        st.success(
            "Thank you: your dots are counted. While voting is open you can change them here: "
            "your new dots replace these."
        )
elif cast:
    st.caption("Your dots are counted. Change them above while voting is open.")
show_results()
