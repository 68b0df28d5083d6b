"""Dot-voting: spread 10 dots across what matters most for an anti-racist place."""

import streamlit as st

from arp import sessions, settings
from arp.ui import data, joining, page_state, widgets

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
st.write(f"You have {sessions.DOTS} dots. Give more to what matters more.")
dots = {}
for domain in framework.scored_domains:
    dots[domain.id] = st.number_input(
        domain.title, min_value=0, max_value=sessions.DOTS, step=1, key=f"dots-{domain.id}"
    )
placed = sum(dots.values())
st.progress(
    min(placed, sessions.DOTS) / sessions.DOTS, text=f"{placed} of {sessions.DOTS} dots placed"
)
if st.button("Cast my dots", type="primary"):
    try:
        sessions.vote(
            path,
            session_id,
            page_state.submission_token(),
            {k: int(v) for k, v in dots.items()},
            {d.id for d in framework.scored_domains},
        )
    except sessions.SessionError as error:
        st.error(f"Not saved: {error}.")
    else:
        st.success("Thank you: your dots are counted. You can change them until the session ends.")

results = sessions.results(path, session_id)
if len(results):
    titles = {d.id: d.title for d in framework.domains.values()}
    st.subheader(f"The room so far ({int(results['voters'].max())} people)")
    st.bar_chart(
        results.assign(domain=results["domain"].map(titles)).set_index("domain")["dots"],
        horizontal=True,
        y_label="",
        x_label="dots",
    )
