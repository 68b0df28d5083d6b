"""Reads of the public database and the workshop store for the pages, cached until the
database is rebuilt. A function here returns data; it never writes to the page."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from arp import (
    catalogue,
    composites,
    db,
    db_reader,
    framework_versions,
    indicators,
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
from arp.framework import Framework, FrameworkError, load_framework
from arp.status import DatabaseStatus
from arp.view_state import ViewState
from arp.workshop import Scenario

log = logging.getLogger(__name__)


@dataclass
class _RunLease:
    reader: db_reader.VersionedReader
    opened: db_reader.OpenVersion | None = None
    # The framework version the run reads, taken at its first use: a facilitator saving a
    # new one mid-run must not give one page (or one cache key) two frameworks.
    framework_number: int | None = None
    runtime_key: str | None = None  # data._runtime_key, for the run's framework

    def version(self) -> db_reader.OpenVersion:
        if self.opened is None:  # taken at the run's first read: a page may need none
            self.opened = self.reader.acquire()
        return self.opened


_RUN: ContextVar[_RunLease | None] = ContextVar("arp_public_database_run", default=None)
# The framework version a link pins (?fw=N, read by page_state), for the run.
_PINNED_FRAMEWORK: ContextVar[int | None] = ContextVar("arp_pinned_framework", default=None)


@st.cache_resource
def _reader(path: str) -> db_reader.VersionedReader:
    """One reader per database file per server process, shared by every session."""
    return db_reader.VersionedReader(Path(path), on_new_version=_forget_earlier_versions)


def _forget_earlier_versions() -> None:
    """Results read from a replaced file are never asked for again (their keys name the old
    version): drop them rather than keep them until the server stops."""
    for cached in (
        _catalogue,
        _cached_query,
        _built_status,
        _cached_runtime_values,
        _composite_inputs,
        _area_codes,
        _census_groups,
        _robustness,
    ):
        cached.clear()


@contextmanager
def reading(pinned_framework: int | None = None) -> Iterator[None]:
    """One version of the public database for a whole page run (app.py wraps each run):
    every read of the run sees the same file, and a rebuild during the run leaves that
    file open until the run ends, then closes it. `pinned_framework`: the framework
    version a link asks for (else the current one)."""
    if _RUN.get() is not None:
        yield
        return
    run = _RunLease(_reader(str(settings.database_path())))
    token = _RUN.set(run)
    pin = _PINNED_FRAMEWORK.set(pinned_framework)
    try:
        yield
    finally:
        _PINNED_FRAMEWORK.reset(pin)
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
    """A cursor reading the version of the database this run reads, with the indicators
    the framework version in use defines otherwise than the build (catalogue-built ones,
    edited polarities) computed at runtime and overlaid (indicators.overlay)."""
    cursor = _built_connection()
    values, statuses = _runtime_values()
    indicators.overlay(cursor, values, statuses)
    return cursor


def _built_connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the database as built. Outside a page run (a widget callback, a test
    calling this directly), the cursor holds a lease of its own, returned when the cursor
    is garbage collected."""
    run = _RUN.get()
    if run is not None:
        return run.version().cursor()
    reader = _reader(str(settings.database_path()))
    opened = reader.acquire()
    cursor = opened.cursor()
    weakref.finalize(cursor, reader.release, opened)
    return cursor


@st.cache_data(show_spinner=False)
def _cached_query(name: str, path: str, version: str, runtime: str, **params) -> pd.DataFrame:
    return db.query(connection(), name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/app/, cached until the database is rebuilt or the
    indicators computed at runtime change."""
    return _cached_query(name, *database_version(), _runtime_key(), **params)


# --- the framework: the version in the workshop store this run uses -----------------------


@st.cache_data(ttl=2, show_spinner=False)
def _latest_framework_number(store: str) -> int:
    """The current version, read at most every 2 s per server (a saved change reaches every
    replica within that; the editor clears it at once for its own server)."""
    return framework_versions.latest_number(store)


@st.cache_resource(show_spinner=False)
def _framework_at(store: str, number: int) -> Framework:
    """A saved version never changes, so each is parsed once per server."""
    return framework_versions.get(store, number).framework()


def forget_framework_version() -> None:
    """After a save: the next read sees the new version at once."""
    _latest_framework_number.clear()


def pinned_framework_version() -> int | None:
    """The version a link pins (?fw=N), if it names one that exists."""
    number = _PINNED_FRAMEWORK.get()
    if number is None:
        return None
    return number if 1 <= number <= latest_framework_number() else None


def latest_framework_number() -> int:
    return _latest_framework_number(str(settings.workshop_database_path()))


def framework() -> Framework:
    """The framework version this run uses: the one a link pins, else the current one.
    Without a usable workshop store, the seed file."""
    try:
        run = _RUN.get()
        number = run.framework_number if run else None
        if number is None:
            number = pinned_framework_version() or latest_framework_number()
            if run:
                run.framework_number = number
        return _framework_at(str(settings.workshop_database_path()), number)
    except (SQLAlchemyError, OSError, FrameworkError, KeyError) as error:
        # The map must still show without the store (or with a version the registry no
        # longer supports): the seed file, said in the server log.
        log.warning("framework from data/framework.toml, not the workshop store: %s", error)
        return _seed_framework()


@st.cache_resource
def _seed_framework() -> Framework:
    return load_framework()


@st.cache_data(show_spinner=False)
def _built_status(path: str, version: str) -> pd.DataFrame:
    con = _built_connection()
    if not db.has_table(con, "indicator_status"):
        return pd.DataFrame(columns=["indicator_id", "status", "missing_sources"])
    built = con.execute("select * from indicator_status").df()
    if "definition" not in built and len(built):
        # Built before definitions were recorded (the shipped snapshot): as the seed file
        # gives them, worked out once per database rather than on every read.
        seed = {i.id: i.definition for i in _seed_framework().indicators.values()}
        built["definition"] = built["indicator_id"].map(seed)
    return built


def _runtime_indicators() -> list:
    return indicators.needs_runtime(framework(), _built_status(*database_version()))


def _runtime_key() -> str:
    """What the runtime values depend on: the definitions computed at runtime (worked out
    once per page run: every read of the run asks)."""
    run = _RUN.get()
    if run is not None and run.runtime_key is not None:
        return run.runtime_key
    key = "|".join(f"{i.id}={i.definition}" for i in _runtime_indicators())
    if run is not None:
        run.runtime_key = key
    return key


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_runtime_values(path: str, version: str, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    values, statuses = indicators.runtime_values(_built_connection(), _runtime_indicators())
    return values, indicators.status_frame(statuses)


def _runtime_values() -> tuple[pd.DataFrame, pd.DataFrame]:
    key = _runtime_key()
    if not key:
        return pd.DataFrame(columns=indicators.VALUE_COLUMNS), pd.DataFrame()
    return _cached_runtime_values(*database_version(), key)


def indicator_status() -> pd.DataFrame:
    built = _built_status(*database_version())
    _, runtime = _runtime_values()
    if runtime.empty:
        return built
    kept = built[~built["indicator_id"].isin(runtime["indicator_id"])]
    return pd.concat([kept, runtime[[c for c in built.columns if c in runtime]]], ignore_index=True)


def framework_table(domain_id: str) -> pd.DataFrame:
    return tables.framework_table(framework(), indicator_status(), domain_id)


def domain_has_open_data(domain_id: str) -> bool:
    return tables.domain_has_open_data(framework(), indicator_status(), domain_id)


@st.cache_data(show_spinner=False)
def _composite_inputs(
    level: str, path: str, version: str, framework_key: str
) -> composites.CompositeInputs:
    return composites.composite_inputs(connection(), framework(), level)


def composite_inputs(level: str) -> composites.CompositeInputs:
    """Every scored indicator's position and flag at `level`: read once per database and
    framework version for every page (the composites under any weights are computed from
    it in milliseconds)."""
    key = f"{framework().version}:{_runtime_key()}"
    return _composite_inputs(level, *database_version(), key)


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
    framework_key: str,
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
    `scenario`'s: cached per database, framework version, level, weights and draw settings
    (a fifth of a second to compute for every LSOA)."""
    weights = repr(
        (sorted(scenario.domain_weights.items()), sorted(scenario.indicator_weights.items()))
    )
    framework_key = f"{framework().version}:{_runtime_key()}"
    return _robustness(level, target, weights, draws, *database_version(), framework_key, scenario)


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalogue(path: str, version: str) -> list[catalogue.Measure]:
    return catalogue.measures(_built_connection())


def catalogue_measures() -> list[catalogue.Measure]:
    """Every measure the loaded data support (arp.catalogue), read once per database."""
    return _catalogue(*database_version())
