"""Cached helpers for the Streamlit pages. The only core module that imports streamlit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from arp import db, settings
from arp.status import DatabaseStatus, database_status
from data_loaders import SOURCES, Source


def current_status() -> DatabaseStatus:
    return database_status(settings.database_path())


@st.cache_resource
def _connection(path: str, modified: float) -> duckdb.DuckDBPyConnection:
    # Keyed on the file's modification time: after `arp build` replaces the file,
    # the next run opens the new database instead of the old, unlinked one.
    return db.connect(Path(path), read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared read-only connection (one connection, a cursor per run)."""
    path = settings.database_path()
    return _connection(str(path), path.stat().st_mtime).cursor()


@st.cache_data(show_spinner=False)
def _cached_query(name: str, path: str, modified: float, **params) -> pd.DataFrame:
    return db.query(connection(), name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/app/, cached until the database is rebuilt."""
    path = settings.database_path()
    return _cached_query(name, str(path), path.stat().st_mtime, **params)


LEVEL_LABELS = {
    "ca": "Combined authority",
    "lad": "Districts",
    "ward": "Wards",
    "msoa": "MSOAs",
    "lsoa": "LSOAs",
}


def sources_table(loaded: pd.DataFrame) -> pd.DataFrame:
    """The loaded sources as people read them: words for headings, dates as dates."""
    return pd.DataFrame(
        {
            "Source": loaded["title"],
            "Publisher": loaded["publisher"],
            "Licence": loaded["licence"],
            "Files": loaded["file_names"],
            "File date": pd.to_datetime(loaded["file_modified"]).dt.date,
            "Rows": loaded["rows"],
            "Loaded": pd.to_datetime(loaded["loaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "Landing page": loaded["landing_page"],
            "Id": loaded["source_id"],
        }
    )


def attribution_lines(loaded: pd.DataFrame) -> list[str]:
    """Each distinct attribution once, in a stable order."""
    return sorted(set(loaded["attribution"]))


def sources_not_loaded(loaded: pd.DataFrame) -> pd.DataFrame:
    present = set(loaded["source_id"])
    return missing_sources_table([s for s in SOURCES if s.id not in present])


def missing_sources_table(sources: list[Source]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Source": [s.title for s in sources],
            "Expected file": [s.files[0] for s in sources],
            "Official download": [s.downloads[0].url for s in sources],
            "Id": [s.id for s in sources],
        }
    )
