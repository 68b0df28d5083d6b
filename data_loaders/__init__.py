"""The one registry of public sources. Adding a dataset = one module + one line here."""

from data_loaders import (
    boundaries,
    census,
    deprivation,
    life_expectancy,
    lookups,
    postcodes,
    services,
    stop_search,
)
from data_loaders._source import Download, LoaderError, Source, TableCheck

SOURCES: tuple[Source, ...] = (
    *boundaries.SOURCES,
    *lookups.SOURCES,
    *census.SOURCES,
    *deprivation.SOURCES,
    *life_expectancy.SOURCES,
    *stop_search.SOURCES,
    *postcodes.SOURCES,
    *services.SOURCES,
)
SOURCES_BY_ID = {source.id: source for source in SOURCES}
# Sources of which one is enough, best first: the build uses the first it finds (and
# downloads the next only when the first cannot be downloaded).
ONE_OF: tuple[tuple[str, ...], ...] = (lookups.WARD_LOOKUPS,)

__all__ = [
    "ONE_OF",
    "SOURCES",
    "SOURCES_BY_ID",
    "Download",
    "LoaderError",
    "Source",
    "TableCheck",
]
