"""Reads of the public database and the workshop store for the pages, cached until the
database is rebuilt. A function here returns data; it never writes to the page."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from arp import (
    composites,
    db,
    insights,
    levels,
    map_views,
    profiles,
    settings,
    tables,
    transfer,
    workshop,
)
from arp.framework import Framework, load_framework
from arp.status import DatabaseStatus, database_status
from arp.view_state import ViewState
from arp.workshop import Scenario


def current_status() -> DatabaseStatus:
    return database_status(settings.database_path())


def database_version() -> tuple[str, float]:
    """The database file and its modification time. Cached reads are keyed on both, so after
    `arp build` replaces the file the next run reads the new one, not the old unlinked one."""
    path = settings.database_path()
    return str(path), path.stat().st_mtime


@st.cache_resource
def _connection(path: str, modified: float) -> duckdb.DuckDBPyConnection:
    return db.connect(Path(path), read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared read-only connection (one connection, a cursor per run)."""
    return _connection(*database_version()).cursor()


@st.cache_data(show_spinner=False)
def _cached_query(name: str, path: str, modified: float, **params) -> pd.DataFrame:
    return db.query(connection(), name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/app/, cached until the database is rebuilt."""
    return _cached_query(name, *database_version(), **params)


@st.cache_resource
def framework() -> Framework:
    return load_framework()


@st.cache_data(show_spinner=False)
def _indicator_status(path: str, modified: float) -> pd.DataFrame:
    con = connection()
    if not db.has_table(con, "indicator_status"):
        return pd.DataFrame(columns=["indicator_id", "status", "missing_sources"])
    return con.execute("select * from indicator_status").df()


def indicator_status() -> pd.DataFrame:
    return _indicator_status(*database_version())


def framework_table(domain_id: str) -> pd.DataFrame:
    return tables.framework_table(framework(), indicator_status(), domain_id)


def domain_has_open_data(domain_id: str) -> bool:
    return tables.domain_has_open_data(framework(), indicator_status(), domain_id)


@st.cache_data(show_spinner=False)
def _composite_inputs(level: str, path: str, modified: float) -> composites.CompositeInputs:
    return composites.composite_inputs(connection(), framework(), level)


def composite_inputs(level: str) -> composites.CompositeInputs:
    """Every scored indicator's position and flag at `level`: read once per database for
    every page (the composites under any weights are computed from it in milliseconds)."""
    return _composite_inputs(level, *database_version())


def composite_table(level: str, scenario: Scenario) -> pd.DataFrame:
    """Composite and flag counts for every area of `level`, named, worst overall first."""
    scores = composites.composite_scores(composite_inputs(level), framework(), scenario)
    names = query("area_names", level=level).set_index("code")["name"]
    return tables.composite_table(scores, names, framework())


def scenarios() -> list[Scenario]:
    return workshop.list_scenarios(settings.workshop_database_path())


def scenario_named(name: str) -> Scenario:
    options = scenarios()
    return next((s for s in options if s.name == name), options[0])


@st.cache_data(show_spinner=False)
def _area_codes(path: str, modified: float) -> set[str]:
    return {row[0] for row in connection().execute("select code from areas").fetchall()}


def area_codes() -> set[str]:
    return _area_codes(*database_version())


def place_in_words(code: str) -> str:
    """ "Birmingham 012B, in Lozells ward, Birmingham"; the code if it is unknown. Cached
    until the database is rebuilt, so a page of cards costs no query."""
    found = query("place_in_words", code=code)
    return str(found["words"].iloc[0]) if len(found) else code


def area_label(code: str) -> str:
    """An area's display name and its level in words, or the code if it is unknown."""
    facts = db.query(connection(), "area_facts", code=code)
    if facts.empty:
        return code
    row = facts.iloc[0]
    return f"{row['display_name']} ({levels.LABELS.get(row['level'], row['level'])})"


@st.cache_data(show_spinner=False)
def _census_groups(path: str, modified: float) -> list[str]:
    return db.query(connection(), "census_detailed_groups")["ethnic_group"].tolist()


def census_ethnic_groups() -> list[str]:
    return _census_groups(*database_version())


def approved_insights(code: str) -> pd.DataFrame:
    """Approved insights placed in this area or any LSOA inside it."""
    codes = db.query(connection(), "codes_inside", code=code)["code"].tolist()
    return insights.approved_for_areas(settings.workshop_database_path(), codes)


def approved_at_level(level: str) -> pd.DataFrame:
    """Approved insights with their place lifted to `level` (see insights.lift_to_level)."""
    approved = insights.approved_for_areas(settings.workshop_database_path(), list(area_codes()))
    if approved.empty:
        return approved
    parents = db.query(connection(), "lsoa_ancestors").set_index("code", drop=False)
    return insights.lift_to_level(approved, parents[levels.ANCESTOR_COLUMN[level]])


def insight_counts(level: str) -> pd.Series:
    """Approved insights per area of `level`."""
    approved = approved_at_level(level)
    return approved["area_code"].value_counts() if len(approved) else pd.Series(dtype="int64")


def check_import(content: bytes):
    """Validate an uploaded CSV of notes against the areas, postcodes and framework."""
    con = connection()
    postcodes = {}
    if db.has_table(con, "postcodes"):
        placed = db.query(con, "postcode_lsoas")
        postcodes = dict(zip(placed["postcode_key"], placed["lsoa21cd"], strict=True))
    fw = framework()
    return transfer.check_import(
        content,
        postcodes,
        {d.id for d in fw.scored_domains},
        set(fw.indicators),
        area_codes(),
        set(census_ethnic_groups()),
        transfer.saved_keys(settings.workshop_database_path()),
    )


def evidence_table(level: str, scenario: Scenario) -> pd.DataFrame:
    scores = composites.composite_scores(composite_inputs(level), framework(), scenario)
    approved = approved_at_level(level)
    counts = approved.groupby(["area_code", "domain"]).size().rename("insights").reset_index()
    names = query("area_names", level=level).set_index("code")["name"]
    titles = {d.id: d.title for d in framework().scored_domains}
    return profiles.evidence_and_experience(scores, counts, names, titles)


def comparison(level: str, codes: list[str]) -> pd.DataFrame:
    """Every indicator for the chosen areas, long, with the area-mapped benchmark."""
    frames = []
    names = query("area_names", level=level).set_index("code")["name"]
    for code in codes:
        _, table = profiles.profile(connection(), framework(), code)
        table.insert(0, "Area", names.get(code, code))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def current_view(state: ViewState) -> map_views.MapView:
    """The map view a state shows, with approved insight counts per area; composites from
    the cached positions."""
    scenario = scenario_named(state.scenario)
    inputs = composite_inputs(state.level) if state.show.is_composite else None
    view = map_views.view_for(connection(), framework(), state, scenario, inputs)
    view.frame["insights"] = view.frame["code"].map(insight_counts(state.level)).fillna(0)
    return view
