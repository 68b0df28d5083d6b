"""Census 2021 topic summaries (TS tables) from Nomis, in any of its three CSV layouts.

Grain: one row per area x category (long), with the table's total as category 'Total'.
One generic loader serves every table; adding a table is one line in CENSUS_TABLES.

Layouts users bring from Nomis, all handled:
- bulk file (census2021-tsNNN-<level>.csv): `date, geography, geography code, <Topic: category>...`;
  some republished copies rename `geography code` to e.g. `MSOA21CD`;
- report export: six title/metadata lines, a header, a blank line, rows whose first
  cell is `CODE : NAME`, a `%` column after every count, then a disclosure-control footer;
- "download data" CSV: `total, <geography type>, mnemonic`, then the same footer.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from data_loaders._source import (
    OGL,
    ONS_ATTRIBUTION,
    Download,
    LoaderError,
    Source,
    TableCheck,
    Tables,
    to_number,
)

NOMIS_BULK = "https://www.nomisweb.co.uk/output/census/2021"
CODE_AND_NAME = re.compile(r"^\s*([EWSNK]\d{8})\s*:\s*(.*)$")
CODE_COLUMN_NAMES = {"geography code", "mnemonic"}
LEVEL_CODE_PATTERNS = {
    "lsoa": r"[EW]01\d{6}",
    "msoa": r"[EW]02\d{6}",
    "lad": r"[EW]0[6789]\d{6}",
}
NOMIS_LEVEL_SUFFIX = {"lsoa": "lsoa", "msoa": "msoa", "lad": "ltla"}
CENSUS_COLUMNS = ("table_id", "area_code", "area_name", "level", "category", "count")


@dataclass(frozen=True)
class CensusTable:
    table: str  # e.g. "TS021"
    title: str
    level: str  # lsoa, msoa or lad
    unit: str
    other_file_names: tuple[str, ...] = ()
    required: bool = True
    layouts: str = ""  # what each accepted file holds, where they differ

    @property
    def bulk_name(self) -> str:
        return f"census2021-{self.table.lower()}-{NOMIS_LEVEL_SUFFIX[self.level]}.csv"


CENSUS_TABLES = (
    CensusTable(
        "TS001",
        "Number of usual residents",
        "lsoa",
        "persons",
        ("TS001_usual_residents_LSOA2021.csv",),
    ),
    CensusTable("TS007", "Age by single year", "lad", "persons"),
    CensusTable(
        "TS011",
        "Households by deprivation dimensions",
        "lsoa",
        "households",
        ("LSOA Deprivation.csv",),
    ),
    CensusTable(
        "TS021",
        "Ethnic group",
        "lsoa",
        "persons",
        ("LSOA Ethnicity.csv",),
        layouts=(
            "The Nomis bulk file census2021-ts021-lsoa.csv (in census2021-ts021.zip) has all 20"
            " categories: the 5 broad groups and the 19 detailed ones, White British among them."
            " 'LSOA Ethnicity.csv' (a Nomis report export) has only the 5 broad groups. When"
            " both are provided the bulk file is read."
        ),
    ),
    CensusTable("TS021", "Ethnic group", "msoa", "persons"),
    CensusTable("TS045", "Car or van availability", "lsoa", "households"),
    CensusTable("TS062", "NS-SeC", "lsoa", "persons aged 16 and over"),
    CensusTable(
        "TS065", "Unemployment history", "msoa", "persons aged 16 and over not in employment"
    ),
    CensusTable("TS067", "Highest level of qualification", "lsoa", "persons aged 16 and over"),
    # Declared so they compute as soon as a user provides the file; not staged here.
    CensusTable(
        "TS029", "Proficiency in English", "lsoa", "persons aged 3 and over", required=False
    ),
    # The languages offered on the participant pages come from this table (the Framework
    # page shows each district's top ones). Published at local authority level and up only.
    CensusTable(
        "TS024",
        "Main language (detailed)",
        "lad",
        "persons aged 3 and over",
        required=False,
        layouts=(
            "The Nomis bulk file census2021-ts024-ltla.csv (in census2021-ts024.zip) has a"
            " total and 95 languages, each as 'Main language (detailed): <group>: <language>'."
        ),
    ),
    CensusTable("TS037", "General health", "lsoa", "persons", required=False),
    CensusTable("TS038", "Disability", "lsoa", "persons", required=False),
    CensusTable("TS052", "Occupancy rating for bedrooms", "lsoa", "households", required=False),
    CensusTable("TS054", "Tenure", "lsoa", "households", required=False),
    CensusTable(
        "TS066", "Economic activity status", "lsoa", "persons aged 16 and over", required=False
    ),
)


def _read_rows(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _category_labels(columns: list[str]) -> list[str]:
    """Census category labels, the same whichever layout they came from.

    Bulk headers repeat the topic and a measure ('Ethnic group: White: Irish; measures:
    Value'); report headers give the category alone ('White'). The total is 'Total'.
    """
    labels = [re.sub(r";\s*measures:\s*Value$", "", c.strip()) for c in columns]
    topics = {label.split(": ", 1)[0] for label in labels}
    if len(topics) == 1 and all(": " in label for label in labels):
        labels = [label.split(": ", 1)[1] for label in labels]
    return ["Total" if re.match(r"total\b", label, re.IGNORECASE) else label for label in labels]


def _parse_report(rows: list[list[str]], path: Path) -> pd.DataFrame:
    first_data = next(
        (i for i, row in enumerate(rows) if row and CODE_AND_NAME.match(row[0])), None
    )
    if first_data is None:
        raise LoaderError(
            path,
            "missing column 'geography code' (bulk layout) and no rows like "
            "'E01011954 : Hartlepool 001A' (report layout): not a Nomis Census table",
        )
    header_index = max(i for i in range(first_data) if rows[i] and rows[i][0].strip())
    header = rows[header_index]
    records = []
    for row in rows[first_data:]:
        if not row or not row[0].strip():
            continue  # blank separator and the disclosure-control footer
        match = CODE_AND_NAME.match(row[0])
        if not match:
            raise LoaderError(path, f"unexpected row {row[0][:60]!r}: not 'CODE : NAME'")
        records.append([match.group(1), match.group(2), *row[1:]])
    frame = pd.DataFrame(records, columns=["area_code", "area_name", *header[1:]])
    keep = [c for c in frame.columns if c.strip() != "%" and c.strip()]
    return frame[keep]


def _parse_table(rows: list[list[str]], path: Path) -> pd.DataFrame:
    header = [cell.strip() for cell in rows[0]]
    lowered = [cell.lower() for cell in header]
    code_index = next(
        (i for i, name in enumerate(lowered) if name in CODE_COLUMN_NAMES or name.endswith("cd")),
        None,
    )
    if code_index is None:
        raise LoaderError(path, "missing column 'geography code' (or 'mnemonic')")
    name_index = next(
        (
            i
            for i, name in enumerate(lowered)
            if name == "geography"
            or "super output area" in name
            or name.startswith("local authorit")
        ),
        None,
    )
    width = len(header)
    body = [row for row in rows[1:] if len(row) > code_index and row[code_index].strip()]
    short = [row for row in body if len(row) < width]
    if short:
        raise LoaderError(path, f"a row has {len(short[0])} fields, expected {width} (truncated?)")
    frame = pd.DataFrame([row[:width] for row in body], columns=header)
    frame = frame.rename(columns={header[code_index]: "area_code"})
    frame["area_name"] = frame[header[name_index]] if name_index is not None else pd.NA
    drop = {"date", header[name_index] if name_index is not None else None}
    return frame[[c for c in frame.columns if c not in drop]]


def load_census_table(paths: list[Path], spec: CensusTable) -> Tables:
    path = paths[0]
    rows = _read_rows(path)
    if not rows:
        raise LoaderError(path, "the file is empty")
    is_report = not any(
        cell.strip().lower() in CODE_COLUMN_NAMES or cell.strip().lower().endswith("cd")
        for cell in rows[0]
    )
    wide = _parse_report(rows, path) if is_report else _parse_table(rows, path)
    measure_columns = [c for c in wide.columns if c not in ("area_code", "area_name")]
    if not measure_columns:
        raise LoaderError(path, "no count columns found")
    labels = _category_labels(measure_columns)
    if "Total" not in labels:
        raise LoaderError(path, f"no total column for {spec.table} (columns: {measure_columns})")
    wide = wide.rename(columns=dict(zip(measure_columns, labels, strict=True)))
    long = wide.melt(id_vars=["area_code", "area_name"], var_name="category", value_name="count")
    long["count"] = to_number(long["count"], path, "count").astype("int64")
    long["table_id"] = spec.table
    long["level"] = spec.level
    long["area_code"] = long["area_code"].astype("string").str.strip()
    return {"counts": long[list(CENSUS_COLUMNS)]}


def _census_source(spec: CensusTable) -> Source:
    level_words = {"lsoa": "LSOA 2021", "msoa": "MSOA 2021", "lad": "local authority district"}
    zip_url = f"{NOMIS_BULK}/census2021-{spec.table.lower()}.zip"
    return Source(
        id=f"census_{spec.table.lower()}_{spec.level}",
        title=f"Census 2021 {spec.table} {spec.title}, {level_words[spec.level]}",
        publisher="Office for National Statistics (Census 2021, via Nomis)",
        licence=OGL,
        attribution=ONS_ATTRIBUTION,
        landing_page="https://www.nomisweb.co.uk/sources/census_2021_bulk",
        # The bulk zip holds every level of the table; only this level's CSV is extracted.
        downloads=(
            Download(
                url=zip_url,
                file_name=f"census2021-{spec.table.lower()}.zip",
                member=spec.bulk_name,
                kind="zip",
            ),
        ),
        files=(spec.bulk_name, *spec.other_file_names),
        load=partial(load_census_table, spec=spec),
        checks={
            "counts": TableCheck(
                required_columns=CENSUS_COLUMNS,
                code_column="area_code",
                code_pattern=LEVEL_CODE_PATTERNS[spec.level],
                expected_rows=(1, 10_000_000),
                not_null=("area_code", "category", "count"),
            )
        },
        required=spec.required,
        notes=" ".join(
            filter(
                None,
                (
                    f"Unit: {spec.unit}. Counts are perturbed by ONS to protect confidentiality.",
                    spec.layouts,
                ),
            )
        ),
    )


SOURCES = tuple(_census_source(spec) for spec in CENSUS_TABLES)
