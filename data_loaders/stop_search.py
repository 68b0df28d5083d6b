"""data.police.uk stop and search records, one CSV per force per month.

Grain: one row per search record as published. Rows are never de-duplicated: identical
rows are normal (several people searched together; the data have no search id). The
coordinates are police.uk's anonymised snap points; the build places each in its LSOA
2021 and counts the ones it cannot place.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data_loaders._source import (
    OGL,
    Download,
    LoaderError,
    Source,
    TableCheck,
    Tables,
    read_csv_text,
    require_columns,
    to_number,
)

COLUMNS = {
    "Type": "search_type",
    "Date": "occurred_at",
    "Part of a policing operation": "part_of_operation",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "Gender": "gender",
    "Age range": "age_range",
    "Self-defined ethnicity": "self_defined_ethnicity",
    "Officer-defined ethnicity": "officer_defined_ethnicity",
    "Legislation": "legislation",
    "Object of search": "object_of_search",
    "Outcome": "outcome",
    "Outcome linked to object of search": "outcome_linked_to_object",
    "Removal of more than just outer clothing": "more_than_outer_clothing_removed",
}
FILE_NAME = re.compile(r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z-]+)-stop-and-search\.csv$")


def load(paths: list[Path]) -> Tables:
    frames = []
    for path in sorted(paths):
        match = FILE_NAME.search(path.name)
        if not match:
            raise LoaderError(path, "file name is not YYYY-MM-<force>-stop-and-search.csv")
        frame = read_csv_text(path, encoding="utf-8")
        require_columns(frame, COLUMNS, path)
        tidy = frame[list(COLUMNS)].rename(columns=COLUMNS)
        tidy["latitude"] = to_number(tidy["latitude"], path, "Latitude")
        tidy["longitude"] = to_number(tidy["longitude"], path, "Longitude")
        tidy["occurred_at"] = pd.to_datetime(tidy["occurred_at"], utc=True, errors="raise")
        tidy.insert(0, "force", match.group("force"))
        tidy.insert(0, "month", match.group("month"))
        tidy.insert(0, "row_in_file", range(1, len(tidy) + 1))
        tidy.insert(0, "file_name", path.name)
        frames.append(tidy)
    return {"events": pd.concat(frames, ignore_index=True)}


SOURCE = Source(
    id="stop_search_wmp",
    title="Stop and search, West Midlands Police (data.police.uk), monthly files",
    publisher="Home Office / data.police.uk (supplied by West Midlands Police)",
    licence=OGL,
    attribution=(
        "Stop and search: data.police.uk. Contains public sector information licensed under "
        "the Open Government Licence v3.0"
    ),
    landing_page="https://data.police.uk/data/",
    downloads=(
        # The monthly archive holds 36 months for every force; only this force's
        # stop-and-search members are extracted.
        # (about 1.6 GB; data.police.uk redirects it to its S3 bucket).
        Download(
            url="https://data.police.uk/data/archive/2024-09.zip",
            file_name="2024-09.zip",
            kind="zip",
        ),
    ),
    files=("????-??-west-midlands-stop-and-search.csv",),
    many_files=True,
    load=load,
    checks={
        "events": TableCheck(
            required_columns=("file_name", "month", "occurred_at", "latitude", "longitude"),
            expected_rows=(1, 2_000_000),
            not_null=("file_name", "month", "occurred_at"),
        )
    },
    notes="Coordinates are anonymised snap points, not exact locations.",
)
SOURCES = (SOURCE,)
