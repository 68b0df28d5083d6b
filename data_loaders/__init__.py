"""The one registry of public sources. Adding a dataset = one module + one line here.

Everything that enumerates sources, their tables or service types (the build, the map's
overlays, the area profile, the framework's check of source ids) reads `REGISTRY`.
"""

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
from data_loaders._registry import Registry, RegistryError
from data_loaders._source import (
    SERVICES_TABLE,
    Download,
    LoaderError,
    ServiceType,
    Source,
    TableCheck,
)

REGISTRY = Registry(
    (
        *boundaries.SOURCES,
        *lookups.SOURCES,
        *census.SOURCES,
        *deprivation.SOURCES,
        *life_expectancy.SOURCES,
        *stop_search.SOURCES,
        *postcodes.SOURCES,
        *services.SOURCES,
    )
)
SOURCES: tuple[Source, ...] = REGISTRY.sources
SOURCES_BY_ID = REGISTRY.by_id
SERVICE_TYPES = REGISTRY.service_types
# Sources of which one is enough, best first: the build uses the first it finds (and
# downloads the next only when the first cannot be downloaded).
ONE_OF: tuple[tuple[str, ...], ...] = (lookups.WARD_LOOKUPS,)

__all__ = [
    "ONE_OF",
    "REGISTRY",
    "SERVICES_TABLE",
    "SERVICE_TYPES",
    "SOURCES",
    "SOURCES_BY_ID",
    "Download",
    "LoaderError",
    "Registry",
    "RegistryError",
    "ServiceType",
    "Source",
    "TableCheck",
]
