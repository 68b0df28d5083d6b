"""Set up data: says exactly what is missing, and builds the database with a progress bar."""

from pathlib import Path

import streamlit as st

from arp import settings, snapshot, tables
from arp.build import BuildError, build
from arp.fetch import DownloadError
from arp.status import check_source_folder
from arp.ui import data

st.title("Set up data")
status = data.current_status()
if status.ready:
    st.success(f"The database is ready: {status.path}")
    if bundled := snapshot.note(data.connection()):
        st.info(bundled)
elif not status.exists:
    st.warning(f"No database yet at `{status.path}` (set `ARP_DB` to use another path).")
elif status.error:
    st.error(f"The database at `{status.path}` {status.error}.")
else:
    st.warning(f"The database at `{status.path}` lacks: {', '.join(status.missing_tables)}.")

st.subheader("Build from a folder of official files")
st.write(
    "Point at a folder (a USB stick works) holding the official files; it is searched "
    "recursively. `ARP_SOURCE_DIR` sets the default."
)
default_folder = settings.source_dir()
folder_text = st.text_input("Folder", value=str(default_folder) if default_folder else "")
folder = Path(folder_text).expanduser() if folder_text.strip() else None

if folder is not None:
    check = check_source_folder(folder)
    if not check.exists:
        st.error("That folder does not exist on the machine running the app.")
    else:
        st.write(f"Found files for {len(check.found)} source(s).")
        if check.missing_required:
            st.error("Missing required files:")
            st.dataframe(tables.missing_sources_table(check.missing_required), hide_index=True)
        if check.missing_optional:
            with st.expander(f"{len(check.missing_optional)} optional source(s) not provided"):
                st.dataframe(tables.missing_sources_table(check.missing_optional), hide_index=True)

left, right = st.columns(2)
from_folder = left.button("Build from this folder", disabled=folder is None, type="primary")
from_web = right.button("Download official files and build")

if from_folder or from_web:
    bar = st.progress(0.0, text="Starting")
    try:
        report = build(
            settings.database_path(),
            source_dir=folder if from_folder else None,
            progress=lambda fraction, message: bar.progress(fraction, text=message),
        )
    except (BuildError, DownloadError, FileNotFoundError) as error:
        st.error(f"The build stopped; any previous database is unchanged.\n\n{error}")
    else:
        st.success(f"Built from {len(report.loaded)} sources in {report.seconds:.0f} s.")
        st.button("Open the app")
