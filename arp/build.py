"""`arp build`: official files -> validated tidy tables -> one DuckDB file, replaced atomically.

Order of work, so that a bad file can never damage a working database:
1. find every selected source's files (a local folder, or downloads into a cache);
2. load and validate them all in memory; any failure stops here, naming file and problem;
3. write a temporary database beside the target, derive the analyst tables from it;
4. only then replace the target in one rename.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from pyproj import Transformer

from arp import db, geography, indicators, snapshot
from arp.fetch import DownloadError, download_source, find_files, list_folder
from arp.framework import Framework, FrameworkError, load_framework
from data_loaders import ONE_OF, REGISTRY, SERVICES_TABLE, LoaderError, Registry, Source

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """The build stopped; the previous database, if any, is untouched."""


class BuildRunning(BuildError):
    """Another build of the same database is running (in any process); this one did not start."""


@dataclass
class BuildReport:
    database: Path
    loaded: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # choices the build made, e.g. lookups
    seconds: float = 0.0


@dataclass
class LoadedSource:
    source: Source
    tables: dict[str, pd.DataFrame]
    files: list[dict]


def _no_progress(fraction: float, message: str) -> None:
    return None


def select_sources(only: Sequence[str] | None, registry: Registry = REGISTRY) -> list[Source]:
    if not only:
        return list(registry.sources)
    unknown = [source_id for source_id in only if source_id not in registry.by_id]
    if unknown:
        raise BuildError(
            f"unknown source(s) {', '.join(unknown)}; known: {', '.join(registry.by_id)}"
        )
    return [registry.by_id[source_id] for source_id in only]


def _official_download(source: Source) -> str:
    download = source.downloads[0]
    if download.kind == "manual":
        return f"no automatic download; see {source.landing_page}"
    return download.url


def _preference_order(sources: list[Source], groups: list[tuple[str, ...]]) -> list[Source]:
    """The sources in their given order, except that a group's members come together, at
    the place of the first of them, best first."""
    by_id = {source.id: source for source in sources}
    ordered: list[Source] = []
    for source in sources:
        group = next((g for g in groups if source.id in g), (source.id,))
        ordered.extend(by_id[i] for i in group if by_id[i] not in ordered)
    return ordered


def locate_files(
    sources: list[Source], source_dir: Path | None, cache: Path, report: BuildReport
) -> dict[str, list[Path]]:
    """Paths per source id. Missing required files stop the build with what to provide.

    Of a group of sources where one is enough (data_loaders.ONE_OF, e.g. the ward
    lookups), the first provided is used; when downloading, the next is fetched only if
    the one before it could not be.
    """
    candidates = list_folder(source_dir) if source_dir else None
    located: dict[str, list[Path]] = {}
    problems = []
    selected = {source.id for source in sources}
    groups = [group for group in ONE_OF if set(group) <= selected]
    in_group = {source_id: group for group in groups for source_id in group}
    for source in _preference_order(sources, groups):
        group = in_group.get(source.id)
        if group and any(other in located for other in group[: group.index(source.id)]):
            report.skipped[source.id] = (
                f"not needed: {next(o for o in group if o in located)} is used instead"
            )
            continue
        try:
            paths = (
                find_files(source, candidates)
                if candidates is not None
                else download_source(source, cache)
            )
        except DownloadError as error:
            if source.required:
                raise BuildError(str(error)) from error
            report.skipped[source.id] = f"not downloaded: {error}"
            continue
        if paths:
            located[source.id] = paths
        elif source.required:
            problems.append(
                f"- {source.id}: no file named {' or '.join(source.files)} in {source_dir}"
                f" (official download: {_official_download(source)})"
            )
        elif not group:
            report.skipped[source.id] = "optional; no file provided"
    for group in groups:
        if not any(source_id in located for source_id in group):
            by_id = {source.id: source for source in sources}
            options = "; or ".join(
                f"{i}: {' or '.join(by_id[i].files)}"
                f" (official download: {_official_download(by_id[i])})"
                + (f" [{report.skipped[i]}]" if i in report.skipped else "")
                for i in group
            )
            where = f" in {source_dir}" if source_dir else ""
            problems.append(f"- one of these{where}, the first preferred: {options}")
        for source_id in group:
            if source_id not in located and source_id not in report.skipped:
                used = next((i for i in group if i in located), None)
                report.skipped[source_id] = (
                    f"not provided; {used} is used instead" if used else "not provided"
                )
    if problems:
        raise BuildError("missing source files:\n" + "\n".join(problems))
    return located


def _file_record(path: Path, rows: int) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    stat = path.stat()
    return {
        "file_name": path.name,
        "file_bytes": stat.st_size,
        "file_modified": datetime.fromtimestamp(stat.st_mtime, UTC),
        "sha256": digest.hexdigest(),
        "rows": rows,
    }


def load_source(source: Source, paths: list[Path]) -> LoadedSource:
    """Run a source's loader; multi-file sources file by file, so rows are counted per file."""
    groups = [[path] for path in paths] if source.many_files else [paths]
    tables: dict[str, list[pd.DataFrame]] = {}
    files: list[dict] = []
    for group in groups:
        loaded = source.run(group)
        rows = sum(len(frame) for frame in loaded.values())
        files.extend(_file_record(path, rows if path is group[0] else 0) for path in group)
        for name, frame in loaded.items():
            tables.setdefault(name, []).append(frame)
    return LoadedSource(
        source=source,
        tables={name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()},
        files=files,
    )


def build(
    database: Path,
    source_dir: Path | None = None,
    only: Sequence[str] | None = None,
    cache: Path | None = None,
    progress: Progress = _no_progress,
    *,
    registry: Registry = REGISTRY,
    framework: Framework | None = None,
    by: str | None = None,
) -> BuildReport:
    """`registry`: the sources known (the shipped registry unless a test adds one);
    `framework`: the indicators scored (data/framework.toml unless given); `by`: the
    facilitator who started it (None: the command line). One build of a database at a time:
    a second one raises BuildRunning at once."""
    try:
        with db.one_writer(database, by):
            log.info("Build of %s started by %s", database, by or "the command line")
            report = _build(database, source_dir, only, cache, progress, registry, framework)
    except db.DatabaseBusy as error:
        raise BuildRunning(str(error)) from None
    except BaseException as error:
        log.warning(
            "Build of %s started by %s stopped: %s", database, by or "the command line", error
        )
        raise
    log.info(
        "Build of %s by %s finished in %.0f s", database, by or "the command line", report.seconds
    )
    return report


def _build(
    database: Path,
    source_dir: Path | None,
    only: Sequence[str] | None,
    cache: Path | None,
    progress: Progress,
    registry: Registry,
    framework: Framework | None,
) -> BuildReport:
    started = time.perf_counter()
    from arp.settings import cache_dir

    report = BuildReport(database=database)
    sources = select_sources(only, registry)
    if only:
        _refuse_snapshot(database, "partly reloaded (--only)")
    progress(0.02, "Finding source files")
    located = locate_files(sources, source_dir, cache or cache_dir(), report)

    loaded: list[LoadedSource] = []
    errors = []
    for index, source in enumerate(s for s in sources if s.id in located):
        progress(0.05 + 0.55 * index / max(len(located), 1), f"Reading {source.title}")
        try:
            loaded.append(load_source(source, located[source.id]))
        except LoaderError as error:
            errors.append(f"- {source.id}: {error}")
    if errors:
        raise BuildError(
            "source files failed validation, nothing was changed:\n" + "\n".join(errors)
        )

    with db.replaced_atomically(database, start_from_existing=bool(only)) as con:
        progress(0.62, "Writing tables")
        for item in loaded:
            _write_source(con, item)
            report.loaded.append(item.source.id)
        progress(0.7, "Building areas, placing points and deriving tables")
        report.notes.extend(derive(con, progress, registry=registry, framework=framework))
    report.seconds = time.perf_counter() - started
    progress(1.0, "Done")
    return report


def _refuse_snapshot(database: Path, action: str) -> None:
    try:
        snapshot.refuse_partial_work(database, action)
    except snapshot.SnapshotError as error:
        raise BuildError(str(error)) from error


def rescore(database: Path, framework: Framework | None = None) -> list:
    """Recompute the indicators after the framework file changed (or for `framework`, a
    version from the workshop store), without reloading sources. Same safety as a build:
    work on a copy, replace in one rename."""
    if not database.exists():
        raise BuildError(f"no database at {database}: run `arp build` first")
    _refuse_snapshot(database, "rescored")
    try:
        with (
            db.one_writer(database),
            db.replaced_atomically(database, start_from_existing=True) as con,
        ):
            db.run_build_queries(con)
            statuses = indicators.score_all(con, framework or load_framework())
    except db.DatabaseBusy as error:
        raise BuildRunning(str(error)) from None
    except (FrameworkError, indicators.IndicatorQueryError) as error:
        raise BuildError(str(error)) from error
    return statuses


SOURCES_COLUMNS = """
    source_id varchar, title varchar, publisher varchar, licence varchar, attribution varchar,
    landing_page varchar, download_url varchar, file_name varchar, file_bytes bigint,
    file_modified timestamptz, sha256 varchar, rows bigint, loaded_at timestamptz, notes varchar
"""


def _write_source(con: duckdb.DuckDBPyConnection, item: LoadedSource) -> None:
    source = item.source
    for name, frame in item.tables.items():
        table = source.raw_table(name)
        con.register("incoming", frame)
        con.execute(f'create or replace table "{table}" as select * from incoming')
        con.unregister("incoming")
    con.execute(f"create table if not exists sources ({SOURCES_COLUMNS})")
    con.execute("delete from sources where source_id = $id", {"id": source.id})
    loaded_at = datetime.now(UTC)
    for record in item.files:
        con.execute(
            """insert into sources values ($source_id, $title, $publisher, $licence, $attribution,
               $landing_page, $download_url, $file_name, $file_bytes, $file_modified, $sha256,
               $rows, $loaded_at, $notes)""",
            {
                "source_id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "licence": source.licence,
                "attribution": source.attribution,
                "landing_page": source.landing_page,
                "download_url": source.downloads[0].url,
                "loaded_at": loaded_at,
                "notes": source.notes,
                **record,
            },
        )


# --- derived tables -----------------------------------------------------------------------

BNG_TO_WGS84 = Transformer.from_crs(27700, 4326, always_xy=True)
WGS84_TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True)


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame | None:
    return con.table(name).df() if db.has_table(con, name) else None


def _replace(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("incoming", frame)
    con.execute(f'create or replace table "{name}" as select * from incoming')
    con.unregister("incoming")


def derive(
    con: duckdb.DuckDBPyConnection,
    progress: Progress = _no_progress,
    *,
    registry: Registry = REGISTRY,
    framework: Framework | None = None,
) -> list[str]:
    """Rebuild every analyst-facing table from the src_ tables present. Returns notes on
    the choices made (which ward lookup the areas use)."""
    notes: list[str] = []
    areas = _derive_areas(con, notes)
    _union_sources(con, "census_counts", ("src_census_",))
    _union_sources(con, "deprivation_values", ("src_iod2025_", "src_iod2019_"))
    if areas is not None:
        lsoa_areas = areas[areas["level"] == "lsoa"]
        postcodes = _derive_postcodes(con, lsoa_areas)
        _replace(con, "lsoa_centres", geography.postcode_weighted_centres(lsoa_areas, postcodes))
        _derive_stop_search(con, lsoa_areas)
        _derive_services(con, lsoa_areas, postcodes, registry)
    progress(0.85, "Running build queries")
    db.run_build_queries(con)
    if db.has_table(con, "lsoa_hierarchy"):
        progress(0.92, "Scoring the framework's indicators")
        try:
            if framework is None:
                framework = load_framework(known_sources=registry.by_id)
            indicators.score_all(con, framework)
        except (FrameworkError, indicators.IndicatorQueryError) as error:
            raise BuildError(str(error)) from error
    return notes


# Ward boundaries and the lookup of the same ward codes, best first: May 2025 wards with
# the 2025 lookup; with the 2024 lookup when only that is provided (the codes agree);
# else May 2022 wards with the 2022 lookup.
WARD_PAIRINGS = (
    ("ward25_boundaries", "lsoa21_ward25_lookup"),
    ("ward25_boundaries", "lsoa21_ward24_lookup"),
    ("ward22_boundaries", "lsoa21_ward22_lookup"),
)


def _ward_inputs(con) -> tuple[pd.DataFrame | None, pd.DataFrame | None, str | None]:
    """Ward boundaries, their lookup, and the id of the lookup source used."""
    for boundaries, lookup in WARD_PAIRINGS:
        if db.has_table(con, f"src_{lookup}"):
            return _table(con, f"src_{boundaries}"), _table(con, f"src_{lookup}"), lookup
    return None, None, None


def _derive_areas(con, notes: list[str]) -> pd.DataFrame | None:
    lsoa = _table(con, "src_lsoa21_boundaries")
    wards, lookup, lookup_id = _ward_inputs(con)
    if lsoa is None or lookup is None:
        return None
    year = int(lookup["ward_year"].iloc[0]) if len(lookup) else None
    drawn = "May 2025 wards" if lookup_id != "lsoa21_ward22_lookup" else "May 2022 wards"
    fallback = (
        " (the 2025 lookup was not provided; the May 2025 wards share the 2024 codes)"
        if lookup_id == "lsoa21_ward24_lookup"
        else ""
    )
    notes.append(f"wards: {drawn} with the {year} ward lookup ({lookup_id}){fallback}")
    try:
        areas = geography.assemble_areas(
            lsoa=lsoa,
            ward_lookup=lookup,
            msoa=_table(con, "src_msoa21_boundaries"),
            msoa_names=_table(con, "src_msoa_names"),
            wards=wards,
            districts=_table(con, "src_lad_boundaries"),
        )
    except geography.GeographyError as error:
        raise BuildError(str(error)) from error
    _replace(con, "areas", areas)
    # the vintage the areas use, for national roll-ups, with the source it came from
    _replace(con, "ward_lookup", lookup.assign(lookup_source_id=lookup_id))
    return areas


def _union_sources(con, target: str, prefixes: tuple[str, ...]) -> None:
    """One table from every src_ table of a family (optional members may be absent)."""
    tables = sorted(t for t in db.table_names(con) if t.startswith(prefixes))
    if not tables:
        return
    union = " union all by name ".join(
        f"select '{t.removeprefix('src_')}' as source_id, * from \"{t}\"" for t in tables
    )
    con.execute(f"create or replace table {target} as {union}")


def _derive_postcodes(con, lsoa_areas: pd.DataFrame) -> pd.DataFrame | None:
    postcodes = _table(con, "src_codepoint_open")
    if postcodes is None:
        return None
    # A postcode with no grid point (quality 90) keeps no coordinates: pyproj would make
    # them infinite, and a service there would look placed by postcode.
    postcodes["longitude"], postcodes["latitude"] = float("nan"), float("nan")
    known = postcodes["easting"].notna() & postcodes["northing"].notna()
    lon, lat = BNG_TO_WGS84.transform(
        postcodes.loc[known, "easting"].to_numpy(), postcodes.loc[known, "northing"].to_numpy()
    )
    postcodes.loc[known, "longitude"], postcodes.loc[known, "latitude"] = lon.round(6), lat.round(6)
    placed = geography.place_points(postcodes["easting"], postcodes["northing"], 27700, lsoa_areas)
    postcodes = postcodes.join(placed)
    _replace(con, "postcodes", postcodes)
    return postcodes


def _derive_stop_search(con, lsoa_areas: pd.DataFrame) -> None:
    events = _table(con, "src_stop_search_wmp")
    if events is None:
        return
    placed = geography.place_points(events["longitude"], events["latitude"], 4326, lsoa_areas)
    events = events.join(placed)
    events.insert(0, "event_id", range(1, len(events) + 1))
    _replace(con, "stop_search_events", events)


def _to_grid(longitude: pd.Series, latitude: pd.Series) -> tuple[pd.Series, pd.Series]:
    """WGS84 to British National Grid metres; a missing point stays missing (pyproj would
    return infinity for it)."""
    easting = pd.Series(float("nan"), index=longitude.index)
    northing = easting.copy()
    known = longitude.notna() & latitude.notna()
    if known.any():
        east, north = WGS84_TO_BNG.transform(
            longitude[known].to_numpy(), latitude[known].to_numpy()
        )
        easting[known], northing[known] = east, north
    return easting, northing


def _in_scope(services: pd.DataFrame) -> pd.DataFrame:
    """Rows a loader marked out of scope (e.g. prison libraries, internet pharmacies) stay
    in their src_ table with the reason, and are left out of `services`."""
    if "excluded_because" not in services:
        return services
    kept = services[services["excluded_because"].isna()]
    return kept.drop(columns="excluded_because").reset_index(drop=True)


def _derive_services(
    con, lsoa_areas: pd.DataFrame, postcodes: pd.DataFrame | None, registry: Registry
) -> None:
    """`services`: the in-scope rows of every point source in the registry that is loaded."""
    tables = [source.raw_table(SERVICES_TABLE) for source in registry.service_sources]
    frames = [f for f in (_table(con, t) for t in tables) if f is not None]
    if not frames:
        return
    services = _in_scope(pd.concat(frames, ignore_index=True))
    for column in ("latitude", "longitude"):
        if column not in services:
            services[column] = float("nan")
    services["location_from"] = pd.Series(
        ["published coordinates" if pd.notna(v) else pd.NA for v in services["latitude"]],
        dtype="string",
    )
    # Distances are measured in British National Grid metres: published WGS84 points are
    # transformed, points placed by postcode take Code-Point's own eastings and northings.
    services["easting"], services["northing"] = _to_grid(
        services["longitude"], services["latitude"]
    )
    if postcodes is not None:
        by_postcode = postcodes.drop_duplicates("postcode_key").set_index("postcode_key")
        needs = services["latitude"].isna() & services["postcode_key"].isin(by_postcode.index)
        keys = services.loc[needs, "postcode_key"]
        for column in ("latitude", "longitude", "easting", "northing"):
            services.loc[needs, column] = keys.map(by_postcode[column]).to_numpy()
        services.loc[needs & services["latitude"].notna(), "location_from"] = (
            "postcode (Code-Point Open)"
        )
    placed = geography.place_points(services["longitude"], services["latitude"], 4326, lsoa_areas)
    services = services.join(placed)
    unlocated = services["location_from"].isna()
    services.loc[unlocated, "placement"] = "postcode not found"
    _replace(con, "services", services)
