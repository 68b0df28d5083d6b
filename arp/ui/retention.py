"""The facilitators' privacy controls on the moderation page: a session's retention period,
deleting a session's data, and the privacy log. Every action checks the sign-in itself and
logs who acted (signin.current_facilitator())."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from arp import privacy, sessions
from arp.ui import signin, widgets
from arp.workshop import Store

RETENTION_LABEL = (
    "Keep unapproved notes, and the original wording of edited notes, for this many days "
    "after the session"
)


def retention_input(key: str, value: int = privacy.DEFAULT_RETENTION_DAYS) -> int:
    """The retention period, in days, as a number box (inside a form or not)."""
    return int(
        st.number_input(
            RETENTION_LABEL,
            min_value=privacy.MIN_RETENTION_DAYS,
            max_value=privacy.MAX_RETENTION_DAYS,
            value=value,
            step=1,
            key=key,
        )
    )


def session_controls(path: Store, session: sessions.Session) -> None:
    """Inside a session's panel: its retention (shown, and changeable) and deleting its data."""
    if not signin.facilitator_signed_in():
        return
    until = privacy.retention_ends(session.held_on, session.held_on, session.retention_days)
    st.caption(
        f"Retention: {session.retention_days} days after the session, until {until:%d %B %Y}. "
        "Then notes nobody approved are deleted, and so is the original wording of edited "
        "notes (a note written later is kept as long after it was written)."
    )
    key = session.session_id
    days = retention_input(f"retention-{key}", session.retention_days)
    if days != session.retention_days and st.button("Save retention", key=f"keep-{key}"):
        try:
            sessions.set_retention(path, key, days)
        except sessions.SessionError as error:
            st.error(str(error))
        else:
            st.success(f"Notes of this session are now kept {days} days after it.")
    sure = st.checkbox(
        "Yes: delete this session's notes (approved ones too), their moderation log and its "
        "votes, for good",
        key=f"sure-{key}",
    )
    if st.button("Delete this session's data", key=f"delete-{key}", disabled=not sure):
        try:
            counts = privacy.delete_session_data(path, key, signin.current_facilitator())
        except privacy.PrivacyError as error:
            st.error(str(error))
        else:
            st.success(
                f"Deleted '{widgets.plain(session.title)}': {counts['insights']} note(s), "
                f"{counts['moderation_log']} log line(s) and {counts['votes']} vote row(s)."
            )


def privacy_log(path: Store) -> None:
    """The last purges and deletions: when, what, who, and the counts (never any text)."""
    entries = privacy.privacy_log(path)[:50]
    with st.expander(f"Privacy log ({len(entries)} recent entries)"):
        if not entries:
            st.caption("Nothing purged or deleted yet.")
            return
        st.dataframe(
            pd.DataFrame(
                {
                    "When": [e["acted_at"] for e in entries],
                    "What": [e["action"] for e in entries],
                    "Who": [e["actor"] for e in entries],
                    "Session": [e["session_id"] or "" for e in entries],
                    "Removed": [str(e["detail"]) for e in entries],
                }
            ),
            hide_index=True,
        )
