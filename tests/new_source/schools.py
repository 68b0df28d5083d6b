"""Schools: open establishments from Get Information About Schools (DfE), one row per school.

A fixture source for tests/test_adding_a_source.py, written exactly as a module in
data_loaders/ would be. The layout (Windows-1252, "(name)" columns, status words) is modelled
on the GIAS all-establishments download; the fixture's values are invented.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_loaders import Download, ServiceType, Source, TableCheck
from data_loaders._source import (
    OGL,
    Tables,
    normalise_postcode,
    read_csv_text,
    require_columns,
)
from data_loaders.services import SERVICE_COLUMNS

SCHOOL = ServiceType("school", "school", "schools", "#c51b7d")
STATUS = "EstablishmentStatus (name)"
NEEDED = ("URN", "EstablishmentName", STATUS, "PhaseOfEducation (name)", "Postcode")


def _exclusion(status: str) -> str | None:
    """Open schools (including those proposed to close) are in scope."""
    return None if status.startswith("Open") else status.lower() or "no status"


def load_schools(paths: list[Path]) -> Tables:
    path = paths[0]
    frame = read_csv_text(path, encoding="cp1252")
    require_columns(frame, NEEDED, path)
    status = frame[STATUS].fillna("").str.strip()
    services = pd.DataFrame(
        {
            "service_type": SCHOOL.id,
            "service_code": frame["URN"].str.strip(),
            "name": frame["EstablishmentName"].str.strip(),
            "postcode": frame["Postcode"].str.strip(),
            "postcode_key": normalise_postcode(frame["Postcode"]),
            "status": status,
            "phase": frame["PhaseOfEducation (name)"],
            "excluded_because": [_exclusion(s) for s in status],
        }
    )
    return {"services": services}


SCHOOLS = Source(
    id="schools",
    title="Schools in England (Get Information About Schools: open establishments)",
    publisher="Department for Education",
    licence=OGL,
    attribution=(
        "Schools: Department for Education, Get Information About Schools. Contains public "
        "sector information licensed under the Open Government Licence v3.0"
    ),
    landing_page="https://get-information-schools.service.gov.uk/Downloads",
    downloads=(
        Download(
            url="https://ea-edubase-api-prod.azurewebsites.net/edubase/downloads/public/edubasealldata20260301.csv",
            file_name="edubasealldata20260301.csv",
        ),
    ),
    files=("edubasealldata????????.csv",),
    load=load_schools,
    checks={
        "services": TableCheck(
            required_columns=SERVICE_COLUMNS, expected_rows=(1, 100_000), not_null=("name",)
        )
    },
    service=SCHOOL,
    notes="Open schools only; closed and proposed schools stay in src_schools with "
    "excluded_because.",
)
SOURCES = (SCHOOLS,)
