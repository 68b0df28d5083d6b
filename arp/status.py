"""Is the database there and usable, and if not, what exactly is missing?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from arp import db
from arp.fetch import find_files, list_folder
from data_loaders import ONE_OF, SOURCES, Source

# Tables the app cannot work without: the stable analyst interface of issue #2.
ESSENTIAL_TABLES = ("areas", "sources", "population_by_ethnicity")


@dataclass
class DatabaseStatus:
    path: Path
    exists: bool
    missing_tables: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.exists and not self.missing_tables and self.error is None


def database_status(path: Path) -> DatabaseStatus:
    if not path.exists():
        return DatabaseStatus(path=path, exists=False, missing_tables=list(ESSENTIAL_TABLES))
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            present = db.table_names(con)
    except duckdb.Error as error:
        return DatabaseStatus(path=path, exists=True, error=f"cannot be opened: {error}")
    return status_of_tables(path, present)


def status_of_tables(path: Path, present: set[str]) -> DatabaseStatus:
    """The status of a database that opened, from the tables it has."""
    missing = [t for t in ESSENTIAL_TABLES if t not in present]
    return DatabaseStatus(path=path, exists=True, missing_tables=missing)


@dataclass
class FolderCheck:
    folder: Path
    exists: bool
    found: dict[str, list[Path]] = field(default_factory=dict)
    missing_required: list[Source] = field(default_factory=list)
    missing_optional: list[Source] = field(default_factory=list)


def check_source_folder(folder: Path) -> FolderCheck:
    """Which registered sources a folder provides, and which required ones it lacks."""
    if not folder.is_dir():
        return FolderCheck(folder=folder, exists=False, missing_required=list(SOURCES))
    candidates = list_folder(folder)
    check = FolderCheck(folder=folder, exists=True)
    for source in SOURCES:
        paths = find_files(source, candidates)
        if paths:
            check.found[source.id] = paths
        elif source.required:
            check.missing_required.append(source)
        else:
            check.missing_optional.append(source)
    # Of a group where one is enough (the ward lookups), a missing group asks for its
    # preferred member.
    by_id = {source.id: source for source in SOURCES}
    for group in ONE_OF:
        if not any(source_id in check.found for source_id in group):
            preferred = by_id[group[0]]
            check.missing_optional.remove(preferred)
            check.missing_required.append(preferred)
    return check
