"""Moderation: facilitators approve, reject, or redact and approve new insights."""

import streamlit as st

from arp import insights, settings, ui

st.title("Moderate insights")
if not ui.facilitator_signed_in():
    st.stop()

path = settings.workshop_database_path()
pending = insights.listing(path, "pending")
st.write(f"{len(pending)} note(s) waiting.")
for row in pending.itertuples():
    with st.container(border=True):
        st.caption(
            f"#{row.insight_id} · {ui.area_label(row.area_code)} · {row.domain} · {row.kind}"
        )
        st.text(row.text)  # as text: a note is never rendered as markup
        edited = st.text_area(
            "Redacted text (to redact and approve)",
            value=row.text,
            key=f"edit-{row.insight_id}",
            max_chars=insights.MAX_TEXT,
        )
        approve, redact, reject = st.columns(3)
        action = None
        if approve.button("Approve", key=f"approve-{row.insight_id}"):
            action = ("approve", None)
        if redact.button("Redact and approve", key=f"redact-{row.insight_id}"):
            action = ("redact", edited)
        if reject.button("Reject", key=f"reject-{row.insight_id}"):
            action = ("reject", None)
        if action:
            try:
                insights.moderate(path, row.insight_id, action[0], "facilitator", action[1])
            except insights.InsightError as error:
                st.error(str(error))
            else:
                st.rerun()
