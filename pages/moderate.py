"""Moderation: facilitators approve, reject, or redact and approve new insights."""

import streamlit as st

from arp import insights, joining, sessions, settings, transfer, workshop
from arp.ui import data, page_state, retention, signin, widgets

st.title("Moderate insights")
if not signin.facilitator_signed_in():
    st.stop()

path = settings.workshop_database_path()
facilitator = signin.current_facilitator() or ""
pending = insights.listing(path, "pending")
st.write(f"{len(pending)} note(s) waiting.")
if len(pending) > insights.MODERATE_AT_ONCE:
    st.caption(
        f"Showing the oldest {insights.MODERATE_AT_ONCE}: approve, redact or reject them "
        "and the next ones show."
    )
for row in pending.head(insights.MODERATE_AT_ONCE).itertuples():
    with st.container(border=True):
        st.caption(
            f"#{row.insight_id} · {data.area_label(row.area_code)} · {row.domain} · {row.kind}"
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
                insights.moderate(path, row.insight_id, action[0], facilitator, action[1])
            except insights.InsightError as error:
                st.error(str(error))
            else:
                st.rerun()

st.header("Sessions")
framework = data.framework()
with st.form("new_session"):
    title = st.text_input("Title")
    held_on = st.date_input("Date")
    venue = st.text_input("Venue (optional)")
    keep_days = retention.retention_input("new_session_retention")
    if st.form_submit_button("Create session"):
        try:
            sessions.create(path, title, held_on, venue, retention_days=keep_days, by=facilitator)
        except sessions.SessionError as error:
            st.error(str(error))
address = page_state.room_address()
if address.loopback:
    st.warning(joining.loopback_warning(address), icon=":material/wifi_off:")
st.caption(f"Links use {address.url} ({address.source}).")
for session in sessions.listing(path):
    with st.expander(f"{widgets.plain(session.title)} · {session.held_on:%d %b %Y}"):
        link = sessions.join_link(address.url, session.session_id)
        st.text(f"Join link: {link}")
        st.image(sessions.qr_png(link), caption="Scan to join the session", width=200)
        voting = joining.vote_link(address.url, session.session_id)
        st.text(f"Dot-voting: {voting}")
        st.image(sessions.qr_png(voting), caption="Scan to vote", width=200)
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
        results = sessions.results(path, session.session_id)
        if len(results):
            st.dataframe(results, hide_index=True)
            name = st.text_input(
                "Save the room's dots as weights named",
                value=f"{session.title} dots",
                key=f"name-{session.session_id}",
            )
            if st.button("Save as weighting scenario", key=f"scenario-{session.session_id}"):
                try:
                    scenario = sessions.as_scenario(
                        path, session, name, [d.id for d in framework.scored_domains]
                    )
                    scenario = workshop.validate(
                        scenario,
                        {d.id for d in framework.scored_domains},
                        set(framework.indicators),
                    )
                    workshop.save_scenario(path, scenario, by=facilitator)
                except (sessions.SessionError, workshop.ScenarioError) as error:
                    st.error(str(error))
                else:
                    st.success(
                        f"Saved {widgets.plain(scenario.name)}: choose it under Weights on the map."
                    )

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
