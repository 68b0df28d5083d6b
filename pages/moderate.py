"""Moderation: facilitators approve, reject, or redact and approve new insights; sessions;
import, export and backup. A session's own queue, voting and results are on its room console."""

import streamlit as st

from arp import joining, sessions, settings, transfer, workshop
from arp.ui import data, moderation, page_state, retention, signin, widgets

st.title("Moderate insights")
if not signin.facilitator_signed_in():
    st.stop()

path = settings.workshop_database_path()
facilitator = signin.current_facilitator() or ""
moderation.moderation_queue(path, None)  # every session's notes


def create_session() -> None:
    """The form's Save, run before the page (and so before its sign-in check: it checks
    again). A created session empties the title and venue, so a second press cannot make it
    twice; a refused one keeps what was typed, with the reason."""
    fields = st.session_state
    by = signin.current_facilitator()
    if by is None:  # signed out, or the account removed, since the form was drawn
        return
    try:
        created = sessions.create(
            path,
            fields["new_session_title"],
            fields["new_session_date"],
            fields["new_session_venue"],
            retention_days=int(fields["new_session_retention"]),
            by=by,
        )
    except sessions.SessionError as error:
        fields["_new_session_outcome"] = ("error", str(error))
        return
    fields["new_session_title"] = fields["new_session_venue"] = ""
    # The title is the facilitator's own words: shown as text.
    fields["_new_session_outcome"] = ("success", f"Session created: {widgets.plain(created.title)}")


st.header("Sessions")
with st.form("new_session"):
    st.text_input("Title", key="new_session_title")
    st.date_input("Date", key="new_session_date")
    st.text_input("Venue (optional)", key="new_session_venue")
    retention.retention_input("new_session_retention")
    st.form_submit_button("Create session", on_click=create_session)
outcome = st.session_state.pop("_new_session_outcome", None)
if outcome:
    kind, message = outcome
    (st.success if kind == "success" else st.error)(message)
address = page_state.room_address()
if address.loopback:
    st.warning(joining.loopback_warning(address), icon=":material/wifi_off:")
st.caption(f"Links use {address.url} ({address.source}).")
for session in sessions.listing(path):
    with st.expander(f"{widgets.plain(session.title)} · {session.held_on:%d %b %Y}"):
        link = sessions.join_link(address.url, session.session_id)
        st.text(f"Join link: {link}")
        st.image(
            sessions.qr_png(link),
            caption="Scan to join the session (in each phone's own language; the room console "
            "makes one for each language)",
            width=200,
        )
        st.page_link(
            "pages/console.py",
            label="Open its room console: QR codes, voting, results",
            icon=":material/co_present:",
            query_params={"session": session.session_id},
        )
        retention.session_controls(path, session)
        tiles_on = sessions.street_tiles(path, session.session_id)
        tiles = st.toggle(
            "Street base map on this session's capture map",
            value=tiles_on,
            key=f"tiles-{session.session_id}",
            help="Off in a venue: with it on, participants' phones ask OpenStreetMap's tile "
            "server for the streets of the area they zoom to.",
        )
        if tiles != tiles_on and signin.facilitator_signed_in():
            sessions.set_street_tiles(path, session.session_id, tiles)

st.header("Import, export, backup")
upload = st.file_uploader(
    "Import transcribed sticky notes (CSV: place, domain, kind, text)",
    type=["csv"],
    max_upload_size=transfer.IMPORT_MAX_MB,
)
st.caption(
    f"Place is an area code or a postcode. A file may hold {transfer.IMPORT_LIMITS}: "
    "split a bigger set into several files."
)
if upload is not None:
    check = data.check_import(upload.getvalue())
    st.dataframe(check.preview, hide_index=True)
    if check.refused_whole:
        # The reason may quote the file (a parser's message): shown as text.
        st.error(
            "This file cannot be imported, and nothing was saved: "
            f"{widgets.plain(check.errors[0])}."
        )
    elif check.errors:
        st.error(f"{len(check.errors)} row(s) need fixing; nothing will be saved until they are:")
        st.text("\n".join(check.errors[:50]))
    elif st.button(f"Save {len(check.rows)} note(s) as pending"):
        saved = transfer.import_all(path, check, by=facilitator)
        st.success(f"Saved {saved} note(s); they wait for moderation above.")
# Made when pressed, for a still signed-in facilitator, and logged (signin.facilitator_download).
left, middle, right, far = st.columns(4)
signin.facilitator_download(
    left,
    "Approved insights (CSV)",
    lambda: transfer.export_approved(path)[0],
    "arp-insights.csv",
    "text/csv",
)
signin.facilitator_download(
    middle,
    "Approved insights (JSON)",
    lambda: transfer.export_approved(path)[1],
    "arp-insights.json",
    "application/json",
)
signin.facilitator_download(
    right, "Votes (CSV)", lambda: transfer.export_votes(path), "arp-votes.csv", "text/csv"
)
if workshop.exists(path):
    signin.facilitator_download(
        far,
        "Backup (SQLite)",
        lambda: transfer.backup(path),
        "workshop-backup.sqlite3",
        "application/octet-stream",
    )
    st.caption(widgets.plain(transfer.describe_manifest(transfer.backup_preview(path))))
    retention.privacy_log(path)
