"""The Anti-Racist Places Framework as data: load and validate data/framework.toml.

The framework is co-created in workshops, so it is a file facilitators edit, not code.
Loading it checks every field and reports every problem at once, naming the indicator.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arp.levels import BASE_LEVELS, LEVELS
from arp.settings import FRAMEWORK_PATH, QUERIES_DIR, REPO_ROOT
from data_loaders import SOURCES_BY_ID

INDICATOR_QUERIES = QUERIES_DIR / "indicators"

KINDS = ("level", "disparity", "context")
POLARITIES = ("higher_is_worse", "higher_is_better", "no_judgement")
MEASURES = ("proportion", "rate", "mean", "published")
COVERAGES = ("england", "area")
SCALES = ("continuous", "decile")
INTERVALS = ("wilson", "exact_poisson", "none")
# The interval each measure gets unless the framework says "none" (a complete count or a
# share of whole neighbourhoods has no sampling or Poisson variation to show).
DEFAULT_INTERVAL = {"proportion": "wilson", "rate": "exact_poisson"}
# Which levels can be rolled up from each base level: MSOAs nest in districts, not wards.
REACHABLE = {"lsoa": set(LEVELS), "msoa": {"msoa", "lad", "ca"}}


class FrameworkError(ValueError):
    """The framework file is not valid; the message lists every problem."""


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str
    context_only: bool = False


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    description: str
    domain: str
    kind: str
    polarity: str
    measure: str
    unit: str
    base_level: str
    levels: tuple[str, ...]
    coverage: str
    sources: tuple[str, ...]
    query: str
    period: str
    caveats: str
    multiplier: float = 1.0
    # Small-number suppression protects people counted in surveys and the Census; it is
    # off only where the counts are whole neighbourhoods or public places (see caveats).
    disclosure_control: bool = True
    # "decile": a published national decile (1 = most deprived): categorical classes, and
    # the worst-10% flag is exactly decile 1.
    scale: str = "continuous"
    interval: str = "none"
    # Where the base areas' counts are mostly too small to rank, composites at finer levels
    # take each area's position from this level's value (e.g. its MSOA's), as labelled.
    composite_level: str | None = None
    # Where queries/indicators/<query>.sql lives (another folder only in tests).
    query_dir: Path = INDICATOR_QUERIES
    # A catalogue-built indicator (arp.catalogue): its measure as declarative (key, value)
    # pairs, computed from the existing macros with bound parameters; no SQL file.
    catalogue: tuple[tuple[str, str], ...] = ()

    @property
    def definition(self) -> str:
        """What its values depend on, as text: values built with another definition (an
        edited polarity, a catalogue-built indicator) are computed again at runtime."""
        import json

        return json.dumps(
            {
                "measure": self.measure,
                "multiplier": self.multiplier,
                "base_level": self.base_level,
                "levels": list(self.levels),
                "coverage": self.coverage,
                "query": "" if self.catalogue else self.query,
                "polarity": self.polarity,
                "scale": self.scale,
                "interval": self.interval,
                "disclosure_control": self.disclosure_control,
                "catalogue": dict(self.catalogue),
            },
            sort_keys=True,
        )

    @property
    def aggregates(self) -> bool:
        """Whether values above the base level are re-aggregated from counts."""
        return self.measure != "published"

    def missing_sources(self, loaded: set[str]) -> tuple[str, ...]:
        """Required sources not loaded; an entry 'a|b' is satisfied by either."""
        return tuple(
            entry for entry in self.sources if not any(s in loaded for s in entry.split("|"))
        )

    @property
    def query_path(self) -> Path:
        return self.query_dir / f"{self.query}.sql"


@dataclass(frozen=True)
class Framework:
    domains: dict[str, Domain]
    indicators: dict[str, Indicator]
    # Its number in the workshop store (arp.framework_versions); None: read from a file.
    version: int | None = None

    @property
    def version_label(self) -> str:
        """How outputs name it: "framework version 3", or the file's name."""
        return f"framework version {self.version}" if self.version else "framework file"

    def in_domain(self, domain_id: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.domain == domain_id]

    @property
    def scored_domains(self) -> list[Domain]:
        return [d for d in self.domains.values() if not d.context_only]


QUERY_NAME = re.compile(r"[a-z0-9_]{1,80}")  # queries/indicators/<name>.sql

REQUIRED_INDICATOR_FIELDS = (
    "title",
    "description",
    "domain",
    "kind",
    "polarity",
    "measure",
    "unit",
    "base_level",
    "levels",
    "coverage",
    "sources",
    "period",
    "caveats",
)


def shown_path(path: Path) -> str:
    """A path as the messages name it: relative to the repository where it is inside it."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _check_indicator(
    key: str, raw: dict, domains: dict, known_sources: set[str], queries: Path
) -> list[str]:
    where = f"indicator {key!r}"
    problems = [f"{where}: missing {f!r}" for f in REQUIRED_INDICATOR_FIELDS if f not in raw]
    if problems:
        return problems
    choices = {
        "kind": KINDS,
        "polarity": POLARITIES,
        "measure": MEASURES,
        "base_level": BASE_LEVELS,
        "coverage": COVERAGES,
    }
    for field, allowed in choices.items():
        if raw[field] not in allowed:
            problems.append(f"{where}: {field} {raw[field]!r} is not one of {', '.join(allowed)}")
    if raw["domain"] not in domains:
        problems.append(f"{where}: unknown domain {raw['domain']!r}")
    if not raw["levels"] or not set(raw["levels"]) <= REACHABLE.get(raw["base_level"], set()):
        problems.append(
            f"{where}: levels {raw['levels']} cannot be reached from base level {raw['base_level']!r}"
        )
    if raw["measure"] == "published" and raw["levels"] != [raw["base_level"]]:
        problems.append(
            f"{where}: a published measure cannot be re-aggregated; levels must be [base_level]"
        )
    if raw["kind"] == "context" and raw["polarity"] != "no_judgement":
        problems.append(f"{where}: a context indicator must have polarity 'no_judgement'")
    scale = raw.get("scale", "continuous")
    if scale not in SCALES:
        problems.append(f"{where}: scale {scale!r} is not one of {', '.join(SCALES)}")
    elif scale == "decile" and raw["measure"] != "published":
        problems.append(f"{where}: a decile scale is for published deciles (measure 'published')")
    interval = raw.get("interval", DEFAULT_INTERVAL.get(raw["measure"], "none"))
    if interval not in INTERVALS:
        problems.append(f"{where}: interval {interval!r} is not one of {', '.join(INTERVALS)}")
    elif interval != "none" and interval != DEFAULT_INTERVAL.get(raw["measure"]):
        problems.append(f"{where}: a {raw['measure']} cannot have a {interval} interval")
    composite_level = raw.get("composite_level")
    if composite_level is not None and (
        composite_level not in raw["levels"] or composite_level == raw["base_level"]
    ):
        problems.append(
            f"{where}: composite_level {composite_level!r} must be one of its levels above "
            "the base level"
        )
    if raw["measure"] in ("proportion", "rate") and not raw.get("multiplier"):
        problems.append(f"{where}: a {raw['measure']} needs a multiplier (100, 1000, ...)")
    unknown = [s for entry in raw["sources"] for s in entry.split("|") if s not in known_sources]
    if unknown:
        problems.append(f"{where}: unknown source(s) {', '.join(unknown)}")
    catalogue = raw.get("catalogue")
    if catalogue is not None:
        if not isinstance(catalogue, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in catalogue.items()
        ):
            problems.append(f"{where}: catalogue must be a table of text values")
        elif "query" in raw:
            problems.append(f"{where}: a catalogue-built indicator has no query")
        else:
            from arp.catalogue import check_spec

            problems.extend(f"{where}: {problem}" for problem in check_spec(catalogue))
        return problems
    name = raw.get("query", key)
    if not isinstance(name, str) or not QUERY_NAME.fullmatch(name):
        # a plain file name: a framework imported from elsewhere names no file outside
        # queries/indicators/ ("../../x")
        problems.append(f"{where}: query {name!r} is not a query's name (a-z, 0-9 and _)")
        return problems
    query = queries / f"{name}.sql"
    if not query.exists():
        default = "" if "query" in raw else " (query defaults to the indicator's id)"
        problems.append(f"{where}: no query file {shown_path(query)}{default}")
    return problems


def parse_framework(
    text: str, known_sources: Iterable[str], queries: Path = INDICATOR_QUERIES
) -> Framework:
    """The framework from TOML text. `known_sources`: the source ids indicators may name
    (the registry's); `queries`: the folder of indicator SQL files."""
    known_sources = set(known_sources)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FrameworkError(f"the framework file is not valid TOML: {error}") from error
    problems = []
    domains = {}
    retired_domains = set()
    for key, raw in data.get("domains", {}).items():
        if raw.get("retired"):
            retired_domains.add(key)
            continue
        if not raw.get("title"):
            problems.append(f"domain {key!r}: missing 'title'")
            continue
        domains[key] = Domain(
            id=key,
            title=raw["title"],
            description=raw.get("description", ""),
            context_only=bool(raw.get("context_only", False)),
        )
    if not domains:
        problems.append("no [domains.*] tables (or every domain is retired)")
    indicators = {}
    for key, raw in data.get("indicators", {}).items():
        # Retired and detached (domain "") indicators stay in the document, out of the app.
        if raw.get("retired") or raw.get("domain") == "":
            continue
        if raw.get("domain") in retired_domains:
            problems.append(
                f"indicator {key!r}: its domain {raw['domain']!r} is retired "
                "(detach or retire the indicator first)"
            )
            continue
        found = _check_indicator(key, raw, domains, known_sources, queries)
        problems.extend(found)
        if found:
            continue
        indicators[key] = Indicator(
            id=key,
            title=raw["title"],
            description=raw["description"],
            domain=raw["domain"],
            kind=raw["kind"],
            polarity=raw["polarity"],
            measure=raw["measure"],
            unit=raw["unit"],
            base_level=raw["base_level"],
            levels=tuple(raw["levels"]),
            coverage=raw["coverage"],
            sources=tuple(raw["sources"]),
            query=raw.get("query", key),
            period=raw["period"],
            caveats=raw["caveats"],
            multiplier=float(raw.get("multiplier", 1.0)),
            disclosure_control=bool(raw.get("disclosure_control", True)),
            scale=raw.get("scale", "continuous"),
            interval=raw.get("interval", DEFAULT_INTERVAL.get(raw["measure"], "none")),
            composite_level=raw.get("composite_level"),
            query_dir=queries,
            catalogue=tuple(sorted(raw.get("catalogue", {}).items())),
        )
    if problems:
        raise FrameworkError("the framework file has problems:\n- " + "\n- ".join(problems))
    return Framework(domains=domains, indicators=indicators)


def load_framework(
    path: Path = FRAMEWORK_PATH,
    known_sources: Iterable[str] | None = None,
    queries: Path = INDICATOR_QUERIES,
) -> Framework:
    """The framework file, checked against the shipped registry's sources unless told."""
    known = SOURCES_BY_ID if known_sources is None else known_sources
    return parse_framework(path.read_text(encoding="utf-8"), known, queries)
