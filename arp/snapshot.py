"""The embedded snapshot: a built database's app-facing tables as a small, versioned bundle.

`arp snapshot` writes, from a database built from the official files, the tidy tables the
pages read, restricted to the area mapped (plus the England rows the pages show as a
benchmark), as zstd Parquet files with a manifest (format version, dates, rows, SHA-256 and
size of every file) and an ATTRIBUTION.md. The repository ships the WMCA bundle in
`data/snapshot/`, so a fresh clone shows the real map with no download.

`restore` (`arp build --from-snapshot`, and `arp app` when there is no database) writes a
DuckDB file from a bundle the way `arp build` does: a temporary file beside the target,
replaced in one rename only once every file checked out. The restored database records
where it came from in `snapshot_origin`, which the Data sources and Set up data pages read.

Left out: the raw `src_` layer and the build's intermediate tables. A restored database
cannot be rescored or partly reloaded (`arp score`, `arp build --only`); a full
`arp build` replaces it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

import arp
from arp import db, settings
from arp.indicators import ENGLAND

FORMAT = "arp-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ATTRIBUTION = "ATTRIBUTION.md"
ORIGIN_TABLE = "snapshot_origin"
DEFAULT_DIR = settings.APP_ROOT / "data" / "snapshot"
ZSTD_LEVEL = 19  # the bundle is written rarely and read on every first run

_AREA_CODES = "(select code from areas)"
_LSOAS = "(select code from areas where level = 'lsoa')"
_MSOAS = "(select code from areas where level = 'msoa')"


@dataclass(frozen=True)
class Part:
    """One table of the bundle: which rows of the built table it keeps, in words and SQL."""

    table: str
    rows: str  # SQL condition on the built table
    about: str


PARTS: tuple[Part, ...] = (
    Part("areas", "true", "every area mapped, with its full and display geometry"),
    Part("sources", "true", "every loaded file: SHA-256, licence, attribution"),
    Part(
        "indicator_scores",
        f"in_area or area_code = '{ENGLAND}'",
        "areas mapped and England (the table behind the indicator_values view)",
    ),
    Part("indicator_status", "true", "every indicator of the framework"),
    Part(
        "population_by_ethnicity",
        f"area_code in {_AREA_CODES} or area_code = '{ENGLAND}'",
        "areas mapped",
    ),
    Part(
        "census_counts",
        f"area_code in {_AREA_CODES} or area_code = '{ENGLAND}'",
        "areas mapped",
    ),
    Part("deprivation_by_lsoa", f"lsoa21cd in {_LSOAS}", "LSOAs mapped"),
    Part("life_expectancy_by_msoa", f"msoa21cd in {_MSOAS}", "MSOAs mapped"),
    Part("lsoa_hierarchy", "in_area", "LSOAs mapped"),
    Part("lsoa_centres", f"area_code in {_LSOAS}", "LSOAs mapped"),
    Part("postcodes", f"lsoa21cd in {_LSOAS}", "postcodes placed in an LSOA mapped"),
    Part("services", f"lsoa21cd in {_LSOAS}", "services placed in an LSOA mapped"),
    Part("stop_search_events", "true", "every search of the force's files loaded"),
    Part("stop_search_ethnicity", "true", "every search of the force's files loaded"),
)


class SnapshotError(RuntimeError):
    """A bundle could not be written or restored; any existing database is untouched."""


@dataclass
class RestoreReport:
    database: Path
    bundle: Path
    created: datetime
    rows: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Origin:
    """Where a restored database came from (the `snapshot_origin` table)."""

    snapshot_created: datetime
    database_built: datetime | None
    restored_at: datetime

    @property
    def note(self) -> str:
        return (
            f"Showing the bundled snapshot of {long_date(self.snapshot_created)}; "
            "rebuild from the official files with `arp build`."
        )


def long_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def origin(con: duckdb.DuckDBPyConnection) -> Origin | None:
    """The snapshot a database was restored from, or None for a database built from files."""
    if not db.has_table(con, ORIGIN_TABLE):
        return None
    rows = con.execute(
        f"select snapshot_created, database_built, restored_at from {ORIGIN_TABLE}"
    ).fetchall()
    return Origin(*rows[0]) if rows else None


def origin_of(database: Path) -> Origin | None:
    if not database.exists():
        return None
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            return origin(con)
    except duckdb.Error:  # not a database this can read: whoever opens it says why
        return None


def note(con: duckdb.DuckDBPyConnection) -> str | None:
    """The line the pages show on a restored database."""
    found = origin(con)
    return found.note if found else None


def refuse_partial_work(database: Path, action: str) -> None:
    """A restored database holds no raw layer: rescoring or reloading part of it would
    silently compute from the area mapped alone."""
    found = origin_of(database)
    if found is not None:
        raise SnapshotError(
            f"{database} was restored from the bundled snapshot of "
            f"{long_date(found.snapshot_created)}, which holds no raw source tables, so it "
            f"cannot be {action}; rebuild it from the official files with `arp build`."
        )


# --- writing a bundle -----------------------------------------------------------------------


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f'describe "{table}"').fetchall()}


def _views(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select view_name, sql from duckdb_views() where not internal and schema_name = 'main'"
        " order by view_name"
    ).fetchall()
    return dict(rows)


def _database_version(con: duckdb.DuckDBPyConnection) -> dict:
    """What identifies the build: the official files it read, when, and with what."""
    files = con.execute("select source_id, file_name, sha256 from sources order by all").fetchall()
    digest = hashlib.sha256("\n".join(" ".join(map(str, f)) for f in files).encode())
    built = con.execute("select max(loaded_at) from sources").fetchall()[0][0]
    return {
        "built_at": built.astimezone(UTC).isoformat() if built else None,
        "sources_sha256": digest.hexdigest(),
        "arp_version": arp.__version__,
        "duckdb_version": duckdb.__version__,
    }


def _area(con: duckdb.DuckDBPyConnection) -> dict:
    counts = dict(con.execute("select level, count(*) from areas group by level").fetchall())
    ca = con.execute("select code, name from areas where level = 'ca' order by code").fetchall()
    return {
        "code": ca[0][0] if ca else None,
        "name": ca[0][1] if ca else None,
        "areas": {
            level: counts[level]
            for level in ("ca", "lad", "ward", "msoa", "lsoa")
            if level in counts
        },
    }


def write_attribution(con: duckdb.DuckDBPyConnection, path: Path, created: datetime) -> None:
    rows = con.execute(
        """select source_id, any_value(title), any_value(publisher), any_value(licence),
                  any_value(attribution), any_value(landing_page), any_value(notes),
                  list(struct_pack(file_name, file_bytes, sha256) order by file_name)
           from sources group by source_id order by source_id"""
    ).fetchall()
    licences = sorted({row[3] for row in rows})
    lines = [
        "# Attribution: the bundled snapshot",
        "",
        f"This folder was made on {long_date(created)} by `arp snapshot` from a database that "
        "`arp build` built from the official files listed below (their SHA-256 are those of the "
        "files read). It holds the tables the app reads, restricted to the area mapped and the "
        "England rows shown as a benchmark. Rebuild from the official files with `arp build`; "
        "regenerate this folder with `make snapshot`.",
        "",
        f"Licences: {'; '.join(licences)}. These licences allow the information to be copied, "
        "published and redistributed, provided the source is acknowledged: keep the attribution "
        "lines below with any copy of this data or of work made from it.",
        "",
        "## Attribution lines",
        "",
    ]
    lines += [f"- {line}" for line in sorted({row[4] for row in rows})]
    lines += ["", "## Sources", ""]
    for source_id, title, publisher, licence, attribution, landing, notes, files in rows:
        lines += [
            f"### {title}",
            "",
            f"- Source id: `{source_id}`",
            f"- Publisher: {publisher}",
            f"- Licence: {licence}",
            f"- Attribution: {attribution}",
            f"- Landing page: {landing}",
        ]
        if notes:
            lines.append(f"- Notes: {notes}")
        lines.append("- Files read:")
        lines += [
            f"  - `{f['file_name']}` ({f['file_bytes']:,} bytes, SHA-256 `{f['sha256']}`)"
            for f in files
        ]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _prepare_folder(out: Path) -> Path:
    """A fresh temporary folder beside `out`; `out` must be absent, empty or a bundle."""
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise SnapshotError(f"{out} is neither empty nor a snapshot bundle: not replacing it")
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    return temporary


def _swap_in(temporary: Path, out: Path) -> None:
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(temporary, out)
    shutil.rmtree(old, ignore_errors=True)


def create(database: Path, out: Path = DEFAULT_DIR) -> dict:
    """Write the bundle of `database` into `out` (replaced whole, only once complete)."""
    if not database.exists():
        raise SnapshotError(f"no database at {database}: run `arp build` first")
    refuse_partial_work(database, "snapshotted again (snapshot the full build instead)")
    created = datetime.now(UTC).replace(microsecond=0)
    temporary = _prepare_folder(out)
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            present = db.table_names(con)
            missing = [t for t in ("areas", "sources") if t not in present]
            if missing:
                raise SnapshotError(f"{database} lacks {', '.join(missing)}: run `arp build`")
            tables = {}
            for part in PARTS:
                if part.table not in present:
                    continue
                file_name = f"{part.table}.parquet"
                selection = f'select * from "{part.table}" where {part.rows} order by all'
                con.execute(
                    f"copy ({selection}) to '{temporary / file_name}' "
                    f"(format parquet, compression zstd, compression_level {ZSTD_LEVEL})"
                ).fetchall()
                path = temporary / file_name
                tables[part.table] = {
                    "file": file_name,
                    "rows": con.execute(f"select count(*) from ({selection})").fetchall()[0][0],
                    "bytes": path.stat().st_size,
                    "sha256": sha256_of(path),
                    "rows_kept": part.about,
                    "columns": _columns(con, part.table),
                }
            views = _views(con)
            missing_views = [
                name for name, sql in views.items() if not _view_inputs_bundled(sql, tables)
            ]
            if missing_views:
                raise SnapshotError(
                    f"view(s) {', '.join(missing_views)} read tables the bundle does not hold"
                )
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created": created.isoformat(),
                "made_by": f"arp snapshot (arp {arp.__version__})",
                "database": _database_version(con),
                "area": _area(con),
                "tables": tables,
                "views": views,
                "bytes": sum(t["bytes"] for t in tables.values()),
                "left_out": "the raw src_ tables and the build's intermediate tables; "
                "rows outside the area mapped (except England's)",
            }
            write_attribution(con, temporary / ATTRIBUTION, created)
        (temporary / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        _swap_in(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return manifest


def _view_inputs_bundled(sql: str, tables: dict) -> bool:
    """Does every table a view reads travel in the bundle? (Checked by creating it.)"""
    with duckdb.connect() as con:
        for name, entry in tables.items():
            columns = ", ".join(
                f'null as "{col}"' if kind == '"NULL"' else f'null::{kind} as "{col}"'
                for col, kind in entry["columns"].items()
            )
            con.execute(f'create table "{name}" as select {columns} limit 0')
        try:
            con.execute(sql)
        except duckdb.Error:
            return False
    return True


# --- restoring ------------------------------------------------------------------------------


def read_manifest(bundle: Path) -> dict:
    """The bundle's manifest, after checking its format and every file's size and SHA-256."""
    path = bundle / MANIFEST
    if not path.exists():
        raise SnapshotError(
            f"no snapshot at {bundle} (no {MANIFEST}); make one with `arp snapshot`"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SnapshotError(f"{path} is not valid JSON: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise SnapshotError(
            f"{path} is format {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r}; this arp reads {FORMAT} version {FORMAT_VERSION}"
        )
    problems = []
    for table, entry in manifest["tables"].items():
        file = bundle / entry["file"]
        if not file.exists():
            problems.append(f"{entry['file']} is missing")
        elif file.stat().st_size != entry["bytes"] or sha256_of(file) != entry["sha256"]:
            problems.append(f"{entry['file']} does not match its SHA-256 in the manifest ({table})")
    if problems:
        raise SnapshotError(f"the snapshot at {bundle} is damaged: " + "; ".join(problems))
    return manifest


def _select(path: Path, columns: dict[str, str]) -> str:
    """Read a Parquet file back with the types the built table had."""
    parts = [
        f'null as "{name}"' if kind == '"NULL"' else f'cast("{name}" as {kind}) as "{name}"'
        for name, kind in columns.items()
    ]
    return f"select {', '.join(parts)} from read_parquet('{path}')"


# The read queries of the app call these macros; they read only `areas`, which the bundle
# holds whole. The build's scoring macros are not restored: they need national tables.
APP_MACROS = ("06_macro_areas_inside.sql",)


def restore(database: Path, bundle: Path = DEFAULT_DIR) -> RestoreReport:
    """Create `database` from a bundle; the previous file, if any, is replaced in one rename."""
    started = time.perf_counter()
    bundle = bundle.resolve()
    manifest = read_manifest(bundle)
    created = datetime.fromisoformat(manifest["created"])
    built = manifest["database"].get("built_at")
    rows = {}
    with db.replaced_atomically(database) as con:
        for table, entry in manifest["tables"].items():
            con.execute(
                f'create table "{table}" as ' + _select(bundle / entry["file"], entry["columns"])
            )
            rows[table] = con.execute(f'select count(*) from "{table}"').fetchall()[0][0]
            if rows[table] != entry["rows"]:
                raise SnapshotError(
                    f"{entry['file']}: {rows[table]} rows, the manifest says {entry['rows']}"
                )
        for sql in manifest["views"].values():
            con.execute(sql)
        for name in APP_MACROS:
            con.execute((settings.QUERIES_DIR / "build" / name).read_text(encoding="utf-8"))
        con.execute(
            f"""create table {ORIGIN_TABLE} as select
                $created::timestamptz as snapshot_created,
                $built::timestamptz as database_built,
                now() as restored_at,
                $bundle as restored_from,
                $format_version as format_version,
                $sources_sha256 as sources_sha256""",
            {
                "created": created,
                "built": built,
                "bundle": str(bundle),
                "format_version": manifest["format_version"],
                "sources_sha256": manifest["database"].get("sources_sha256"),
            },
        )
    return RestoreReport(
        database=database,
        bundle=bundle,
        created=created,
        rows=rows,
        seconds=time.perf_counter() - started,
    )
