"""Moderation: facilitators approve, reject, or redact and approve new insights; sessions;
import, export and backup. A session's own queue, voting and results are on its room console."""

import streamlit as st

from arp import sessions, settings, transfer, workshop
from arp.ui import data, moderation, signin, widgets

st.title("Moderate insights")
if not signin.facilitator_signed_in():
    st.stop()

path = settings.workshop_database_path()
moderation.moderation_queue(path, None)  # every session's notes

st.header("Sessions")
with st.form("new_session"):
    title = st.text_input("Title")
    held_on = st.date_input("Date")
    venue = st.text_input("Venue (optional)")
    if st.form_submit_button("Create session"):
        try:
            sessions.create(path, title, held_on, venue)
        except sessions.SessionError as error:
            st.error(str(error))
for session in sessions.listing(path):
    with st.expander(f"{widgets.plain(session.title)} · {session.held_on:%d %b %Y}"):
        link = sessions.join_link(settings.public_url(), session.session_id)
        st.text(f"Join link: {link}")
        st.image(sessions.qr_png(link), caption="Scan to add a note", width=200)
        st.text(f"Dot-voting: {link.replace('/capture?', '/vote?')}")
        st.page_link(
            "pages/console.py",
            label="Open its room console: QR codes, voting, results",
            icon=":material/co_present:",
            query_params={"session": session.session_id},
        )

st.header("Import, export, backup")
upload = st.file_uploader(
    "Import transcribed sticky notes (CSV: place, domain, kind, text)", type=["csv"]
)
if upload is not None:
    check = data.check_import(upload.getvalue())
    st.dataframe(check.preview, hide_index=True)
    if check.errors:
        st.error(f"{len(check.errors)} row(s) need fixing; nothing will be saved until they are:")
        st.text("\n".join(check.errors[:50]))
    elif st.button(f"Save {len(check.rows)} note(s) as pending"):
        saved = transfer.import_all(path, check)
        st.success(f"Saved {saved} note(s); they wait for moderation above.")
csv_bytes, json_bytes = transfer.export_approved(path)
left, middle, right, far = st.columns(4)
left.download_button("Approved insights (CSV)", csv_bytes, "arp-insights.csv", "text/csv")
middle.download_button(
    "Approved insights (JSON)", json_bytes, "arp-insights.json", "application/json"
)
right.download_button("Votes (CSV)", transfer.export_votes(path), "arp-votes.csv", "text/csv")
if workshop.exists(path):
    far.download_button(
        "Backup (SQLite)",
        transfer.backup(path),
        "workshop-backup.sqlite3",
        "application/octet-stream",
    )
