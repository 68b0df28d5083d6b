"""Reads of the public database and the workshop store for the pages, cached until the
database is rebuilt. A function here returns data; it never writes to the page."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from arp import (
    composites,
    db,
    db_reader,
    insights,
    levels,
    map_views,
    profiles,
    robustness,
    search,
    settings,
    status,
    tables,
    transfer,
    weighting,
    workshop,
)
from arp.framework import Framework, load_framework
from arp.status import DatabaseStatus
from arp.view_state import ViewState
from arp.workshop import Scenario


@dataclass
class _RunLease:
    reader: db_reader.VersionedReader
    opened: db_reader.OpenVersion | None = None

    def version(self) -> db_reader.OpenVersion:
        if self.opened is None:  # taken at the run's first read: a page may need none
            self.opened = self.reader.acquire()
        return self.opened


_RUN: ContextVar[_RunLease | None] = ContextVar("arp_public_database_run", default=None)


@st.cache_resource
def _reader(path: str) -> db_reader.VersionedReader:
    """One reader per database file per server process, shared by every session."""
    return db_reader.VersionedReader(Path(path), on_new_version=_forget_earlier_versions)


def _forget_earlier_versions() -> None:
    """Results read from a replaced file are never asked for again (their keys name the old
    version): drop them rather than keep them until the server stops."""
    for cached in (
        _cached_query,
        _indicator_status,
        _composite_inputs,
        _area_codes,
        _census_groups,
        _robustness,
    ):
        cached.clear()


@contextmanager
def reading() -> Iterator[None]:
    """One version of the public database for a whole page run (app.py wraps each run):
    every read of the run sees the same file, and a rebuild during the run leaves that
    file open until the run ends, then closes it."""
    if _RUN.get() is not None:
        yield
        return
    run = _RunLease(_reader(str(settings.database_path())))
    token = _RUN.set(run)
    try:
        yield
    finally:
        _RUN.reset(token)
        if run.opened is not None:
            run.reader.release(run.opened)


def current_status() -> DatabaseStatus:
    path = settings.database_path()
    if not path.exists():
        return status.database_status(path)
    try:
        present = db.table_names(connection())
    except (duckdb.Error, OSError) as error:
        return DatabaseStatus(path=path, exists=True, error=f"cannot be opened: {error}")
    return status.status_of_tables(path, present)


def database_version() -> tuple[str, str]:
    """The database file and its version (db_reader.FileVersion.key). Cached reads and the
    map's geometry ids are keyed on both, so after `arp build` replaces the file the next
    run reads the new one; within one run, the version the run reads."""
    run = _RUN.get()
    version = run.version().version if run else db_reader.file_version(settings.database_path())
    return version.path, version.key


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor reading the version of the database this run reads. Outside a page run (a
    widget callback, a test calling this directly), the cursor holds a lease of its own,
    returned when the cursor is garbage collected."""
    run = _RUN.get()
    if run is not None:
        return run.version().cursor()
    reader = _reader(str(settings.database_path()))
    opened = reader.acquire()
    cursor = opened.cursor()
    weakref.finalize(cursor, reader.release, opened)
    return cursor


@st.cache_data(show_spinner=False)
def _cached_query(name: str, path: str, version: str, **params) -> pd.DataFrame:
    return db.query(connection(), name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/app/, cached until the database is rebuilt."""
    return _cached_query(name, *database_version(), **params)


@st.cache_resource
def framework() -> Framework:
    return load_framework()


@st.cache_data(show_spinner=False)
def _indicator_status(path: str, version: str) -> pd.DataFrame:
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
def _composite_inputs(level: str, path: str, version: str) -> composites.CompositeInputs:
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


@st.cache_data(show_spinner=False, max_entries=64)
def _robustness(
    level: str,
    target: str,
    weights: str,
    draws: robustness.DrawSettings,
    path: str,
    version: str,
    _scenario: Scenario,
) -> robustness.Robustness:
    return weighting.robustness_of(composite_inputs(level), framework(), _scenario, target, draws)


def robustness_of(
    level: str,
    target: str,
    scenario: Scenario,
    draws: robustness.DrawSettings = robustness.DEFAULT_DRAWS,
) -> robustness.Robustness:
    """The composite `target` ("overall" or a domain id) under weights drawn around
    `scenario`'s: cached per database, level, weights and draw settings (a fifth of a
    second to compute for every LSOA)."""
    weights = repr(
        (sorted(scenario.domain_weights.items()), sorted(scenario.indicator_weights.items()))
    )
    return _robustness(level, target, weights, draws, *database_version(), scenario)


def scenarios() -> list[Scenario]:
    return workshop.list_scenarios(settings.workshop_database_path())


def scenario_named(name: str) -> Scenario:
    options = scenarios()
    return next((s for s in options if s.name == name), options[0])


@st.cache_data(show_spinner=False)
def _area_codes(path: str, version: str) -> set[str]:
    return {row[0] for row in connection().execute("select code from areas").fetchall()}


def area_codes() -> set[str]:
    return _area_codes(*database_version())


def place_in_words(code: str) -> str:
    """ "Birmingham 012B, in Lozells ward, Birmingham"; the code if it is unknown. Cached
    until the database is rebuilt, so a page of cards costs no query."""
    found = query("place_in_words", code=code)
    return str(found["words"].iloc[0]) if len(found) else code


def area_label(code: str) -> str:
    """An area in words, as every page names a chosen one (search.in_words: "Birmingham
    071B, in Sparkbrook & Balsall Heath East ward, Birmingham"), or the code if unknown."""
    return search.describe_area(connection(), code)


@st.cache_data(show_spinner=False)
def _census_groups(path: str, version: str) -> list[str]:
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


def area_levels() -> dict[str, str]:
    """Every area's level, by code."""
    levels_by_code = query("area_levels")
    return dict(zip(levels_by_code["code"], levels_by_code["level"], strict=True))


def current_view(state: ViewState) -> map_views.MapView:
    """The map view a state shows, with approved insight counts per area; composites from
    the cached positions."""
    scenario = scenario_named(state.scenario)
    inputs = composite_inputs(state.level) if state.show.is_composite else None
    checked = None
    if state.show.is_composite:
        target = weighting.target_of(state.show.kind, state.show.id)
        checked = robustness_of(state.level, target, scenario)
    view = map_views.view_for(connection(), framework(), state, scenario, inputs, checked)
    view.frame["insights"] = view.frame["code"].map(insight_counts(state.level)).fillna(0)
    return view
