"""A registry of sources, checked when it is made: the build, the map and the app enumerate
sources, their tables and service types from here, never from lists of their own.

The shipped registry is `data_loaders.REGISTRY`. A test (or a fork) adds a source without
editing it: `REGISTRY.with_sources(MY_SOURCE)` is a new, equally checked registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from data_loaders._source import SERVICES_TABLE, ServiceType, Source

PLAIN_ID = re.compile(r"[a-z0-9_]+")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class RegistryError(ValueError):
    """The sources declared do not fit together; the message lists every problem."""


def _service_problems(source: Source) -> list[str]:
    where = f"source {source.id!r}"
    service = source.service
    has_table = SERVICES_TABLE in source.checks
    if service is None:
        if has_table:
            return [f"{where}: returns a {SERVICES_TABLE} table but declares no service type"]
        return []
    problems = []
    if not isinstance(service, ServiceType):
        return [f"{where}: service must be a ServiceType, not {type(service).__name__}"]
    if not has_table:
        problems.append(
            f"{where}: declares service type {service.id!r} but no checked {SERVICES_TABLE} table"
        )
    if not PLAIN_ID.fullmatch(service.id):
        problems.append(f"{where}: service type id {service.id!r} is not lower_snake_case")
    if not service.singular.strip() or not service.plural.strip():
        problems.append(f"{where}: service type {service.id!r} needs singular and plural labels")
    elif service.singular == service.plural:
        problems.append(f"{where}: service type {service.id!r} has the same singular and plural")
    if not COLOUR.fullmatch(service.colour):
        problems.append(
            f"{where}: service type {service.id!r} colour {service.colour!r} is not #rrggbb"
        )
    return problems


def registry_problems(sources: tuple[Source, ...]) -> list[str]:
    """Every way the sources clash or under-declare, at once."""
    problems = []
    seen: dict[str, Source] = {}
    tables: dict[str, str] = {}
    service_types: dict[str, str] = {}
    for source in sources:
        if not PLAIN_ID.fullmatch(source.id):
            problems.append(f"source {source.id!r}: the id is not lower_snake_case")
        if source.id in seen:
            problems.append(f"source {source.id!r} is registered twice")
            continue
        seen[source.id] = source
        if not source.checks:
            problems.append(f"source {source.id!r}: declares no tables (checks)")
        for table in source.raw_tables:
            if table in tables:
                problems.append(
                    f"sources {tables[table]!r} and {source.id!r} would both write {table}"
                )
            tables[table] = source.id
        problems.extend(_service_problems(source))
        if isinstance(source.service, ServiceType):
            kind = source.service.id
            if kind in service_types:
                problems.append(
                    f"service type {kind!r} is declared by both {service_types[kind]!r} and "
                    f"{source.id!r}: each service type comes from one source"
                )
            else:
                service_types[kind] = source.id
    return problems


class Registry:
    """Sources in registration order, checked together; lookups by id and service type."""

    def __init__(self, sources: Iterable[Source]):
        self.sources: tuple[Source, ...] = tuple(sources)
        problems = registry_problems(self.sources)
        if problems:
            raise RegistryError("the source registry has problems:\n- " + "\n- ".join(problems))
        self.by_id: dict[str, Source] = {source.id: source for source in self.sources}
        self.service_sources: tuple[Source, ...] = tuple(s for s in self.sources if s.service)
        self.service_types: dict[str, ServiceType] = {
            s.service.id: s.service for s in self.sources if s.service is not None
        }

    def with_sources(self, *sources: Source) -> Registry:
        """A new registry: these sources after the registered ones."""
        return Registry((*self.sources, *sources))

    @property
    def raw_tables(self) -> dict[str, Source]:
        """Every raw-layer table a build can write, and the source that writes it."""
        return {table: source for source in self.sources for table in source.raw_tables}

    def __iter__(self):
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __repr__(self) -> str:
        return f"Registry({len(self.sources)} sources, service types {list(self.service_types)})"
