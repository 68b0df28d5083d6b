"""Set up data: the database's status for everyone; for a signed-in facilitator, the folder
check and the builds (one at a time, whichever process starts them)."""

from pathlib import Path

import streamlit as st

from arp import db, settings, snapshot, tables, workshop
from arp.build import BuildError, BuildRunning, build
from arp.fetch import DownloadError
from arp.status import check_source_folder
from arp.ui import data, signin, widgets

st.title("Set up data")
facilitator = signin.current_facilitator()
database = settings.database_path()
status = data.current_status()
# Server paths and error details only for a facilitator: to anyone else they map the server.
where = f": `{status.path}`" if facilitator else "."
if status.ready:
    st.success(f"The database is ready{where}")
    if bundled := snapshot.note(data.connection()):
        st.info(bundled)
elif not status.exists:
    st.warning(
        f"No database yet{where}"
        + (
            " (set `ARP_DB` to use another path)."
            if facilitator
            else " A facilitator builds it here."
        )
    )
elif status.error:
    st.error(
        f"The database at `{status.path}` {widgets.plain(status.error)}."
        if facilitator
        else "The database cannot be opened. A facilitator can rebuild it here."
    )
else:
    st.warning(f"The database lacks: {', '.join(status.missing_tables)}.")
writer = db.current_writer(database)
if writer is not None:
    st.info(
        (db.describe_writer(writer) if facilitator else "A build of the database is running")
        + ": the new data replaces the old in one step when it finishes."
    )

if not facilitator:
    st.write("Building or replacing the data is for facilitators.")
    with st.expander("Facilitator sign-in"):
        signin.facilitator_signed_in()
    st.stop()

st.subheader("Build from a folder of official files")
st.write(
    "Point at a folder (a USB stick works) holding the official files; it is searched "
    "recursively, when you press the button. `ARP_SOURCE_DIR` sets the default."
)
default_folder = settings.source_dir()
with st.form("source_folder"):
    folder_text = st.text_input("Folder", value=str(default_folder) if default_folder else "")
    checked = st.form_submit_button("Check this folder")
if checked:
    # Walked here, once per press: never on a keystroke (a big folder takes many seconds).
    folder = Path(folder_text).expanduser() if folder_text.strip() else None
    st.session_state["setup_folder_check"] = check_source_folder(folder) if folder else None
check = st.session_state.get("setup_folder_check")

if check is not None:
    if not check.exists:
        st.error(
            f"There is no folder {widgets.plain(check.folder)} on the machine running the app."
        )
    else:
        st.write(f"{widgets.plain(check.folder)}: found files for {len(check.found)} source(s).")
        if check.missing_required:
            st.error("Missing required files:")
            st.dataframe(tables.missing_sources_table(check.missing_required), hide_index=True)
        if check.missing_optional:
            with st.expander(f"{len(check.missing_optional)} optional source(s) not provided"):
                st.dataframe(tables.missing_sources_table(check.missing_optional), hide_index=True)

busy = writer is not None
left, right = st.columns(2)
from_folder = left.button(
    "Build from this folder",
    disabled=busy or check is None or not check.exists,
    type="primary",
    help="Check a folder first" if check is None else None,
)
from_web = right.button("Download official files and build", disabled=busy)

if from_folder or from_web:
    source = str(check.folder) if from_folder and check else "downloads"
    store = settings.workshop_database_path()
    bar = st.progress(0.0, text="Starting")
    try:
        report = build(
            database,
            source_dir=check.folder if from_folder and check else None,
            progress=lambda fraction, message: bar.progress(fraction, text=message),
            by=facilitator,
        )
    except BuildRunning as error:
        st.error(f"Not started: {widgets.plain(error)}. Wait for it to finish.")
    except (BuildError, DownloadError, FileNotFoundError) as error:
        workshop.log_action(store, facilitator, "build failed", source)
        st.error("The build stopped; any previous database is unchanged.")
        st.text(str(error))
    else:
        workshop.log_action(store, facilitator, "built the database", source)
        st.success(f"Built from {len(report.loaded)} sources in {report.seconds:.0f} s.")
        st.button("Open the app")
