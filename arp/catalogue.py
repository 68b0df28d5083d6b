"""The catalogue of measures the loaded data support, and indicators built from them.

Every category of every loaded Census table (over the table's total), every IoD domain
(scores, resident-weighted above LSOA, and published deciles), the distance to every kind
of service and the count of each kind per resident. A facilitator builds an indicator by
choosing one: the indicator is stored as data (`catalogue = {family = ..., ...}` in the
framework), never as SQL, and computed from the existing macros by a fixed query per
family with bound parameters (queries/app/catalogue_*.sql).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from arp import db

IOD_SOURCES = {
    "IoD2025": "iod2025_file7|iod2025_file1|iod2025_file3|iod2025_imd_score_compilation",
    "IoD2019": "iod2019_file2",
}
IOD_EXTRA_SOURCES = {"IoD2019": ("lsoa11_lsoa21_lookup",)}
RESIDENTS_SOURCE = "census_ts001_lsoa"
FAMILIES = ("census_share", "iod_score", "iod_decile", "service_distance", "services_per_10k")
# What each family's definition names, beside "family".
FAMILY_KEYS = {
    "census_share": ("table", "level", "category"),
    "iod_score": ("edition", "domain"),
    "iod_decile": ("edition", "domain"),
    "service_distance": ("service_type",),
    "services_per_10k": ("service_type",),
}
UNIT_IN_NOTES = re.compile(r"Unit:\s*([^.]+)\.")


class CatalogueError(ValueError):
    """A catalogue definition is not one the loaded data support; the message says why."""


@dataclass(frozen=True)
class Measure:
    """One measure the loaded data support, and the indicator fields it implies."""

    key: str  # stable: the family and its definition, e.g. "census_share:TS045:lsoa:..."
    label: str  # as a facilitator reads it: "TS045 — No cars or vans in household ÷ all households"
    family: str
    spec: dict[str, str]
    fields: dict = field(default_factory=dict)  # measure, unit, multiplier, levels, ...

    @property
    def words(self) -> str:
        return f"{self.label} {' '.join(self.spec.values())}".lower()


def _census_measures(con: duckdb.DuckDBPyConnection) -> list[Measure]:
    if not db.has_table(con, "census_counts"):
        return []
    found = []
    for row in db.query(con, "catalogue_census_tables").itertuples():
        unit_match = UNIT_IN_NOTES.search(str(row.notes or ""))
        unit = unit_match.group(1).strip() if unit_match else "the table's total"
        title = re.sub(r"^Census 2021 \w+ ", "", str(row.title or row.table_id))
        levels = ["lsoa", "msoa", "ward", "lad", "ca"] if row.level == "lsoa" else [row.level]
        if row.level == "msoa":
            levels = ["msoa", "lad", "ca"]
        spec = {"family": "census_share", "table": row.table_id, "level": row.level}
        spec["category"] = row.category
        found.append(
            Measure(
                key=f"census_share:{row.table_id}:{row.level}:{row.category}",
                label=f"{row.table_id} ({title}) — {row.category} ÷ all {unit}",
                family="census_share",
                spec=spec,
                fields={
                    "measure": "proportion",
                    "unit": f"% of {unit}",
                    "multiplier": 100,
                    "base_level": row.level,
                    "levels": levels,
                    "coverage": "england",
                    "sources": [row.source_id],
                    "period": "Census 2021",
                },
            )
        )
    return found


def _iod_measures(con: duckdb.DuckDBPyConnection) -> list[Measure]:
    if not db.has_table(con, "deprivation_by_lsoa"):
        return []
    found = []
    for row in db.query(con, "catalogue_iod_domains").itertuples():
        words = row.domain.replace("_", " ")
        sources = [
            IOD_SOURCES.get(row.edition, row.edition),
            *IOD_EXTRA_SOURCES.get(row.edition, ()),
        ]
        common = {"coverage": "england", "period": row.edition}
        if row.has_score:
            found.append(
                Measure(
                    key=f"iod_score:{row.edition}:{row.domain}",
                    label=f"{row.edition} — {words} domain score (resident-weighted)",
                    family="iod_score",
                    spec={"family": "iod_score", "edition": row.edition, "domain": row.domain},
                    fields={
                        **common,
                        "measure": "mean",
                        "unit": "score",
                        "base_level": "lsoa",
                        "levels": ["lsoa", "msoa", "ward", "lad", "ca"],
                        "sources": [*sources, RESIDENTS_SOURCE],
                    },
                )
            )
        if row.has_decile:
            found.append(
                Measure(
                    key=f"iod_decile:{row.edition}:{row.domain}",
                    label=f"{row.edition} — {words} domain national decile (1 = most deprived)",
                    family="iod_decile",
                    spec={"family": "iod_decile", "edition": row.edition, "domain": row.domain},
                    fields={
                        **common,
                        "measure": "published",
                        "scale": "decile",
                        "unit": "national decile (1 = most deprived)",
                        "base_level": "lsoa",
                        "levels": ["lsoa"],
                        "sources": sources,
                    },
                )
            )
    return found


def _service_measures(con: duckdb.DuckDBPyConnection, services: dict) -> list[Measure]:
    if not db.has_table(con, "services"):
        return []
    found = []
    for row in db.query(con, "catalogue_service_types").itertuples():
        source = services.get(row.service_type)
        kind = source.service if source else None
        singular = kind.singular if kind else row.service_type.replace("_", " ")
        plural = kind.plural if kind else singular + "s"
        sources = [source.id if source else row.service_type]
        spec_base = {"service_type": row.service_type}
        found.append(
            Measure(
                key=f"service_distance:{row.service_type}",
                label=f"Distance to the nearest {singular} (km, straight line)",
                family="service_distance",
                spec={"family": "service_distance", **spec_base},
                fields={
                    "measure": "mean",
                    "unit": "km",
                    "base_level": "lsoa",
                    "levels": ["lsoa", "msoa", "ward", "lad", "ca"],
                    "coverage": "area",
                    "sources": [*sources, "codepoint_open", RESIDENTS_SOURCE],
                    "period": "services as loaded",
                },
            )
        )
        found.append(
            Measure(
                key=f"services_per_10k:{row.service_type}",
                label=f"{plural[0].upper()}{plural[1:]} per 10,000 residents",
                family="services_per_10k",
                spec={"family": "services_per_10k", **spec_base},
                fields={
                    "measure": "rate",
                    "interval": "none",
                    "unit": f"{plural} per 10,000 residents",
                    "multiplier": 10000,
                    "base_level": "lsoa",
                    "levels": ["ward", "lad", "ca"],
                    "coverage": "area",
                    "sources": [*sources, "codepoint_open", RESIDENTS_SOURCE],
                    "period": "services as loaded",
                    "disclosure_control": False,
                },
            )
        )
    return found


def measures(con: duckdb.DuckDBPyConnection) -> list[Measure]:
    """Every measure the database's loaded data support."""
    from data_loaders import SOURCES

    services = {s.service.id: s for s in SOURCES if s.service}
    return [*_census_measures(con), *_iod_measures(con), *_service_measures(con, services)]


def search(found: list[Measure], words: str) -> list[Measure]:
    """The measures whose label or definition contain every word typed (any order, any case)."""
    terms = [w for w in re.split(r"\s+", words.lower().strip()) if w]
    return [m for m in found if all(t in m.words for t in terms)]


def indicator_fields(measure: Measure, *, title: str, domain: str, **chosen) -> dict:
    """The framework entry (a raw TOML table) of an indicator built from `measure`: its
    facts from the catalogue, its words and judgement (`chosen`: description, kind,
    polarity, caveats) from the facilitator."""
    fields = {
        "title": title,
        "description": chosen.get("description") or measure.label,
        "domain": domain,
        "kind": chosen.get("kind", "level"),
        "polarity": chosen.get("polarity", "no_judgement"),
        **measure.fields,
        "caveats": chosen.get("caveats") or "Built in the workshop from the catalogue of measures.",
        "catalogue": dict(measure.spec),
    }
    if fields["kind"] == "context":
        fields["polarity"] = "no_judgement"
    return fields


def check_spec(spec: dict[str, str]) -> list[str]:
    """What is wrong with a definition's shape (not whether the data hold it)."""
    family = spec.get("family")
    if family not in FAMILIES:
        return [f"catalogue family {family!r} is not one of {', '.join(FAMILIES)}"]
    missing = [k for k in FAMILY_KEYS[family] if not spec.get(k)]
    return [f"catalogue {family} needs {', '.join(missing)}"] if missing else []


def base_values(con: duckdb.DuckDBPyConnection, spec: dict[str, str]) -> pd.DataFrame:
    """Numerator, denominator (or value) per base area of a catalogue-built indicator: one
    fixed query per family, its definition bound as parameters."""
    problems = check_spec(spec)
    if problems:
        raise CatalogueError("; ".join(problems))
    family = spec["family"]
    if family == "census_share":
        pattern = "^" + re.escape(spec["category"]) + "$"
        return db.query(
            con,
            "catalogue_census_share",
            census_table=spec["table"],
            area_level=spec["level"],
            pattern=pattern,
        )
    if family == "iod_score":
        return db.query(
            con, "catalogue_iod_score", edition=spec["edition"], iod_domain=spec["domain"]
        )
    if family == "iod_decile":
        return db.query(
            con, "catalogue_iod_decile", edition=spec["edition"], iod_domain=spec["domain"]
        )
    if family == "service_distance":
        return db.query(con, "catalogue_service_distance", service_type=spec["service_type"])
    return db.query(con, "catalogue_services_per_resident", service_type=spec["service_type"])
