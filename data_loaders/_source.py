"""The shape every public source shares: what it is, where it comes from, how to check it,
and what it contributes.

A source module declares one or more `Source` values and a `load(paths)` function that
turns the official files into tidy tables. Validation lives here so every loader fails
the same way: a `LoaderError` that names the file and the problem. A source declares
everything the rest of the product needs to know about it: its tables (`checks`) and, for
a point dataset, its service type (labels and map colour), so that adding a dataset is one
module and one line in the registry (data_loaders/__init__.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0"
)
ONS_GEOGRAPHY_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right"
)


class LoaderError(ValueError):
    """A source file could not be read or failed validation.

    The message always names the file, so a build can say exactly what to fix.
    """

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


# How a download is fetched (see arp/fetch.py):
# - "direct": one file at `url`, saved as `file_name`;
# - "zip": a zip archive at `url`; `member` / `members` (glob patterns, else the source's
#   `files` patterns) name what is extracted;
# - "ons_hub_item": the ONS Open Geography Portal (ArcGIS Hub) download API, which may
#   answer 202 with a JSON status while it prepares the file;
# - "feature_server": an ArcGIS FeatureServer layer, paged through its query endpoint and
#   merged into one GeoJSON (boundaries) or CSV (tables) file;
# - "manual": no automatic download exists; `instructions` say what to do.
FETCH_KINDS = ("direct", "zip", "ons_hub_item", "feature_server", "manual")

ONS_HUB = "https://open-geography-portalx-ons.hub.arcgis.com"
ONS_FEATURE_SERVICES = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"


@dataclass(frozen=True)
class Download:
    """One official download, and how to fetch it.

    `file_name` is the name it is saved under: it must match one of the source's `files`
    patterns (for a zip, its members must). `expect` is the type the saved file must have
    ("csv", "xlsx", "zip", "geojson"); by default it follows `file_name`'s suffix.
    `alternatives` are tried in order when this download fails.
    """

    url: str
    file_name: str
    member: str | None = None
    kind: str = "direct"
    members: tuple[str, ...] = ()
    expect: str = ""
    page_size: int = 2000
    order_by: str = ""
    instructions: str = ""
    alternatives: tuple[Download, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in FETCH_KINDS:
            raise ValueError(f"unknown fetch kind {self.kind!r}; one of {', '.join(FETCH_KINDS)}")

    @property
    def expected_type(self) -> str:
        if self.expect:
            return self.expect
        if self.kind == "zip":
            return "zip"
        suffix = Path(self.file_name).suffix.lower().lstrip(".")
        return "xlsx" if suffix == "xlsm" else suffix


def ons_hub_item(item_id: str, file_format: str, file_name: str, **extra) -> Download:
    """A file from the ONS Hub download API: GET …/items/<id>/<format>?layers=0."""
    query = "layers=0" + ("&spatialRefId=4326" if file_format == "geojson" else "")
    return Download(
        url=f"{ONS_HUB}/api/download/v1/items/{item_id}/{file_format}?{query}",
        file_name=file_name,
        kind="ons_hub_item",
        **extra,
    )


def ons_feature_server(service: str, file_name: str, **extra) -> Download:
    """Every feature of layer 0 of an ONS FeatureServer service, paged and merged."""
    return Download(
        url=f"{ONS_FEATURE_SERVICES}/{service}/FeatureServer/0",
        file_name=file_name,
        kind="feature_server",
        **extra,
    )


@dataclass(frozen=True)
class TableCheck:
    """Checks on one tidy table a loader returns."""

    required_columns: tuple[str, ...] = ()
    code_column: str | None = None
    code_pattern: str | None = None
    expected_rows: tuple[int, int] | None = None
    not_null: tuple[str, ...] = ()

    def check(self, frame: pd.DataFrame, path: Path, table: str) -> None:
        missing = [c for c in self.required_columns if c not in frame.columns]
        if missing:
            raise LoaderError(path, f"table {table}: missing column(s) {', '.join(missing)}")
        if self.expected_rows is not None:
            low, high = self.expected_rows
            if not low <= len(frame) <= high:
                raise LoaderError(
                    path,
                    f"table {table}: {len(frame):,} rows, expected between {low:,} and {high:,}"
                    " (is the file truncated or the wrong one?)",
                )
        if self.code_column and self.code_pattern:
            codes = frame[self.code_column].astype("string")
            bad = ~codes.fillna("").str.fullmatch(self.code_pattern)
            if bad.any():
                first = frame.index[bad.to_numpy()][0]
                raise LoaderError(
                    path,
                    f"table {table}: {int(bad.sum()):,} value(s) in {self.code_column} do not look"
                    f" like {self.code_pattern}; first is {codes[first]!r} (row {first})",
                )
        for column in self.not_null:
            nulls = frame[column].isna()
            if nulls.any():
                raise LoaderError(
                    path, f"table {table}: {int(nulls.sum()):,} empty value(s) in {column}"
                )


Tables = dict[str, pd.DataFrame]

SERVICES_TABLE = "services"  # the table a point source returns, one row per service point


def capitalised(text: str) -> str:
    """A label at the start of a line: only the first letter changes ('GP practice' stays)."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ServiceType:
    """A kind of place people go to, contributed by a point source to the `services` table.

    `id` is the `service_type` of its rows there and the name indicator SQL uses
    (`nearest_service_km('pharmacy')`). Labels are written as in running text ("GP
    practice", "pharmacy"): the profile's list and map tooltips show the singular, the map's
    overlay picker and legend the plural; `colour` (#rrggbb) fills its points on the map.
    """

    id: str
    singular: str
    plural: str
    colour: str

    @property
    def label(self) -> str:
        """The plural as a heading or overlay name: 'Pharmacies'."""
        return capitalised(self.plural)

    @property
    def item_label(self) -> str:
        """The singular starting a line: 'Pharmacy'."""
        return capitalised(self.singular)


@dataclass(frozen=True)
class Source:
    """A public dataset: provenance, expected files, and the function that loads them.

    `files` are glob patterns matched against file names; the first is the official name,
    later ones are names the same official layout is known to travel under.
    `load` receives every matching path and returns {table_name: tidy DataFrame}; each
    table is checked against `checks[table_name]` before anything is written. The keys of
    `checks` are the source's tables: a loader returning any other table fails.
    A point dataset returns a `services` table and declares its `service` type; every row
    must carry that type, or the build stops saying so.
    """

    id: str
    title: str
    publisher: str
    licence: str
    attribution: str
    landing_page: str
    downloads: tuple[Download, ...]
    files: tuple[str, ...]
    load: Callable[[list[Path]], Tables]
    checks: Mapping[str, TableCheck] = field(default_factory=dict)
    required: bool = True
    many_files: bool = False
    notes: str = ""
    service: ServiceType | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables this source contributes, as its loader names them."""
        return tuple(self.checks)

    def raw_table(self, table: str) -> str:
        """The raw-layer name of one of its tables: src_<id>, plus the table name if the
        source has several."""
        return f"src_{self.id}" if len(self.checks) == 1 else f"src_{self.id}_{table}"

    @property
    def raw_tables(self) -> tuple[str, ...]:
        return tuple(self.raw_table(table) for table in self.tables)

    def run(self, paths: list[Path]) -> Tables:
        """Load and validate. Any failure is a LoaderError naming the file."""
        if not paths:
            raise LoaderError(self.files[0], f"no file found for source {self.id}")
        for path in paths:
            if path.stat().st_size == 0:
                raise LoaderError(path, "the file is empty")
        try:
            tables = self.load(paths)
        except LoaderError:
            raise
        except UnicodeDecodeError as error:
            raise LoaderError(paths[0], f"not in the expected text encoding ({error})") from error
        except (ValueError, KeyError, csv.Error, pd.errors.ParserError) as error:
            raise LoaderError(paths[0], f"could not be read: {error}") from error
        for table, check in self.checks.items():
            if table not in tables:
                raise LoaderError(paths[0], f"loader returned no table {table}")
            check.check(tables[table], paths[0], table)
        undeclared = sorted(set(tables) - set(self.checks))
        if undeclared:
            raise LoaderError(
                paths[0],
                f"loader returned table(s) {', '.join(undeclared)} that source {self.id} does"
                " not declare (add them to its checks)",
            )
        if self.service is not None:
            self._check_service_types(tables[SERVICES_TABLE], paths[0])
        return tables

    def _check_service_types(self, services: pd.DataFrame, path: Path) -> None:
        """Every row is of the declared service type: an undeclared one would reach the map
        with no label or colour, and no indicator would find it."""
        declared = self.service.id if self.service else None
        types = services["service_type"].astype("string")
        wrong = types.fillna("<empty>")[types.ne(declared).fillna(True)]
        if len(wrong):
            counts = ", ".join(f"{t!r} ({n:,} rows)" for t, n in wrong.value_counts().items())
            raise LoaderError(
                path,
                f"table {SERVICES_TABLE}: service type {counts} not declared by source "
                f"{self.id}, which declares {declared!r}",
            )


# --- reading helpers shared by loaders --------------------------------------------------


def read_csv_text(path: Path, **kwargs) -> pd.DataFrame:
    """Read an official CSV as text, tolerating the UTF-8 byte-order mark ONS files carry."""
    kwargs.setdefault("dtype", "string")
    kwargs.setdefault("encoding", "utf-8-sig")
    kwargs.setdefault("keep_default_na", False)
    kwargs.setdefault("na_values", [""])
    return pd.read_csv(path, **kwargs)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LoaderError(
            path,
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
        )


def find_column(frame: pd.DataFrame, pattern: str, path: Path, what: str) -> str:
    """The one column whose name matches `pattern` (case-insensitive)."""
    matches = [c for c in frame.columns if re.fullmatch(pattern, str(c), flags=re.IGNORECASE)]
    if not matches:
        raise LoaderError(path, f"no {what} column (looked for {pattern})")
    return matches[0]


def to_number(series: pd.Series, path: Path, column: str) -> pd.Series:
    """Numbers from text, failing loudly (with the first bad value) rather than coercing."""
    cleaned = series.astype("string").str.replace(",", "", regex=False).str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = numbers.isna() & cleaned.notna() & (cleaned != "")
    if bad.any():
        raise LoaderError(path, f"column {column!r} has non-numeric value {cleaned[bad].iloc[0]!r}")
    return numbers


def normalise_postcode(series: pd.Series) -> pd.Series:
    """Postcodes as join keys: upper case, no spaces ('B13  0HN' and 'b13 0hn' meet)."""
    return series.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
