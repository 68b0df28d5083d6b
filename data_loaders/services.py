"""Service locations: NHS GP practices and pharmacies (ODS), hospitals (NHS Choices), and
public libraries (DCMS basic dataset, as loaded by Libraries Hacked).

Grain: one row per service point, with a postcode; hospitals also carry coordinates.
The build geocodes postcodes through Code-Point Open and places each point in its LSOA 2021.
Pharmacies and libraries keep every row of their file, with `excluded_because` saying why
a row is out of scope (null = in scope), so the build's `services` table holds only what
someone can walk into and the excluded rows stay countable in the src_ tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data_loaders._source import (
    OGL,
    Download,
    LoaderError,
    ServiceType,
    Source,
    TableCheck,
    Tables,
    normalise_postcode,
    read_csv_text,
    to_number,
)

# What each source contributes to `services`, with its labels and map colour.
GP_PRACTICE = ServiceType("gp_practice", "GP practice", "GP practices", "#1b7837")
PHARMACY = ServiceType("pharmacy", "pharmacy", "pharmacies", "#762a83")
HOSPITAL = ServiceType("hospital", "hospital", "hospitals (2018 list)", "#2166ac")
LIBRARY = ServiceType("library", "public library", "public libraries", "#b35806")

SERVICE_COLUMNS = ("service_type", "service_code", "name", "postcode", "postcode_key", "status")
ODS_PUBLISHER = "NHS England Organisation Data Service (ODS)"
ODS_ATTRIBUTION = (
    "NHS ODS data: NHS England. Contains public sector information licensed under the "
    "Open Government Licence v3.0"
)
# ODS Data Search and Export: each report is a headerless CSV (the old
# files.digital.nhs.uk/assets/ods/current/*.zip extracts are retired).
ODS_REPORT = "https://www.odsdatasearchandexport.nhs.uk/api/getReport?report="
# Positions in the ODS standard 27-column layout (1-based in the ODS documentation).
ODS_CODE, ODS_NAME, ODS_POSTCODE, ODS_CLOSE_DATE, ODS_STATUS, ODS_ROLE = 0, 1, 9, 11, 12, 25
ODS_SUB_TYPE = 13
ODS_WIDTH = 27
GP_PRACTICE_ROLE = "RO76"
OLD_GP_PRESCRIBING_SETTING = "4"  # the role before ODS moved to RO codes

# edispensary: sub-type 1 is a pharmacy; 2 holds dispensing appliance contractors (stoma and
# surgical suppliers, judging by the names) and 3 oxygen suppliers, neither a place to walk in.
PHARMACY_SUB_TYPE = "1"
APPLIANCE_CONTRACTOR_SUB_TYPE = "2"
PHARMACY_STATUS = {"A": "active", "C": "closed", "P": "proposed"}
# The ODS file has no distance-selling flag (NHSBSA's consolidated pharmaceutical list has
# one), so internet and delivery-only pharmacies are recognised by their names. Kept narrow
# on purpose: words no high-street pharmacy uses. "MAIL" is a whole word (not ISMAIL).
DISTANCE_SELLING_NAME = re.compile(
    r"ONLINE|INTERNET|DELIVER|\bMAIL\b|\.COM\b|\.CO\.UK\b|\bWWW\.", re.IGNORECASE
)

# Libraries: only static public libraries are in scope. The `type` values vary in case
# ("Static Library", "Static library"), so they are compared case-folded.
STATIC_PUBLIC_LIBRARY = "static library"
LIBRARY_TYPE_EXCLUDED = {
    "mobile library": "mobile library",
    "prison library": "prison library",
    "archive": "archive",
    "static archive": "archive",
    "static local history library": "local history library",
}


def _read_ods(path: Path) -> pd.DataFrame:
    frame = read_csv_text(path, header=None)
    if frame.shape[1] != ODS_WIDTH:
        raise LoaderError(
            path,
            f"{frame.shape[1]} columns, expected the {ODS_WIDTH}-column ODS layout (no header)",
        )
    return frame


def _services(frame: pd.DataFrame, service_type: str, status: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_type": service_type,
            "service_code": frame[ODS_CODE].str.strip(),
            "name": frame[ODS_NAME].str.strip(),
            "postcode": frame[ODS_POSTCODE].str.strip(),
            "postcode_key": normalise_postcode(frame[ODS_POSTCODE]),
            "status": status,
        }
    )


def load_gp_practices(paths: list[Path]) -> Tables:
    """Active GP practices. Handles both ODS codings: new (ACTIVE, RO76) and old (A, setting 4)."""
    frame = _read_ods(paths[0])
    status = frame[ODS_STATUS].str.strip().str.upper()
    role = frame[ODS_ROLE].fillna("").str.strip().str.upper()
    active = status.isin(["ACTIVE", "A"])
    is_gp = role.isin([GP_PRACTICE_ROLE, OLD_GP_PRESCRIBING_SETTING])
    practices = frame[active & is_gp]
    return {
        "services": _services(practices, GP_PRACTICE.id, pd.Series("active", index=practices.index))
    }


def _pharmacy_exclusion(status: str, sub_type: str, name: str) -> str | None:
    if status != "A":
        return PHARMACY_STATUS.get(status, f"status {status!r}")
    if sub_type == APPLIANCE_CONTRACTOR_SUB_TYPE:
        return "dispensing appliance contractor"
    if sub_type != PHARMACY_SUB_TYPE:
        return f"organisation sub-type {sub_type!r}, not a pharmacy"
    if DISTANCE_SELLING_NAME.search(name):
        return "distance-selling (by name)"
    return None


def load_pharmacies(paths: list[Path]) -> Tables:
    """Every edispensary row; in scope: active (A), sub-type 1, not distance-selling by name."""
    frame = _read_ods(paths[0])
    status = frame[ODS_STATUS].fillna("").str.strip().str.upper()
    status = status.replace({"ACTIVE": "A", "INACTIVE": "C"})  # the newer ODS coding
    sub_type = frame[ODS_SUB_TYPE].fillna("").str.strip()
    names = frame[ODS_NAME].fillna("").str.strip()
    services = _services(frame, PHARMACY.id, status.map(PHARMACY_STATUS).fillna(status))
    services["excluded_because"] = [
        _pharmacy_exclusion(*row) for row in zip(status, sub_type, names, strict=True)
    ]
    return {"services": services}


def load_hospitals(paths: list[Path]) -> Tables:
    """NHS Choices Hospital.csv: '¬'-separated, Windows-1252 (both quirks of the original)."""
    path = paths[0]
    frame = read_csv_text(path, sep="¬", encoding="cp1252", engine="python", quoting=3)
    needed = [
        "OrganisationCode",
        "OrganisationName",
        "Postcode",
        "Latitude",
        "Longitude",
        "Sector",
        "OrganisationStatus",
    ]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise LoaderError(path, f"missing column(s) {', '.join(missing)} (separator must be '¬')")
    services = pd.DataFrame(
        {
            "service_type": HOSPITAL.id,
            "service_code": frame["OrganisationCode"],
            "name": frame["OrganisationName"],
            "postcode": frame["Postcode"],
            "postcode_key": normalise_postcode(frame["Postcode"]),
            "status": frame["OrganisationStatus"],
            "sector": frame["Sector"],
            "latitude": to_number(frame["Latitude"], path, "Latitude"),
            "longitude": to_number(frame["Longitude"], path, "Longitude"),
        }
    )
    return {"services": services}


def _library_exclusion(library_type: object, closed: object) -> str | None:
    kind = " ".join(str(library_type).split()).casefold() if pd.notna(library_type) else ""
    if kind != STATIC_PUBLIC_LIBRARY:
        return LIBRARY_TYPE_EXCLUDED.get(kind, f"type {library_type!r}, not a static library")
    if pd.notna(closed):
        return "closed"
    return None


def load_libraries(paths: list[Path]) -> Tables:
    """Every library row; in scope: type 'Static Library' with no `closed` year."""
    path = paths[0]
    frame = read_csv_text(path)
    needed = ["name", "authority", "postcode", "type", "closed"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise LoaderError(path, f"missing column(s) {', '.join(missing)}")
    services = pd.DataFrame(
        {
            "service_type": LIBRARY.id,
            "service_code": frame.get("uprn", pd.Series(pd.NA, index=frame.index)),
            "name": frame["name"],
            "postcode": frame["postcode"],
            "postcode_key": normalise_postcode(frame["postcode"]),
            "status": frame["closed"].map(lambda year: "open" if pd.isna(year) else "closed"),
            "library_type": frame["type"],
            "authority": frame["authority"],
            "excluded_because": [
                _library_exclusion(t, c)
                for t, c in zip(frame["type"], frame["closed"], strict=True)
            ],
        }
    )
    return {"services": services}


SERVICE_CHECK = {
    "services": TableCheck(
        required_columns=SERVICE_COLUMNS, expected_rows=(1, 100_000), not_null=("name",)
    )
}

GP_PRACTICES = Source(
    id="gp_practices",
    title="GP practices (ODS epraccur: active, role RO76 GP practice)",
    publisher=ODS_PUBLISHER,
    licence=OGL,
    attribution=ODS_ATTRIBUTION,
    landing_page="https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/gp-and-gp-practice-related-data",
    downloads=(Download(url=f"{ODS_REPORT}epraccur", file_name="epraccur.csv"),),
    files=("epraccur.csv",),
    load=load_gp_practices,
    checks=SERVICE_CHECK,
    service=GP_PRACTICE,
)
PHARMACIES = Source(
    id="pharmacies",
    title="Pharmacies (ODS edispensary: active pharmacies people can walk into)",
    publisher=ODS_PUBLISHER,
    licence=OGL,
    attribution=ODS_ATTRIBUTION,
    landing_page="https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/other-nhs-organisations",
    downloads=(Download(url=f"{ODS_REPORT}edispensary", file_name="edispensary.csv"),),
    files=("edispensary.csv",),
    load=load_pharmacies,
    checks=SERVICE_CHECK,
    service=PHARMACY,
    notes="Only active (status A) rows of organisation sub-type 1 are used. Left out, and "
    "kept in src_pharmacies with excluded_because: closed and proposed rows, sub-type 2 "
    "(dispensing appliance contractors, e.g. stoma and surgical suppliers) and 3 (oxygen "
    "suppliers), and distance-selling (internet or delivery-only) pharmacies. The ODS file "
    "has no distance-selling flag (NHSBSA's consolidated pharmaceutical list has one), so "
    "these are recognised by name: ONLINE, INTERNET, DELIVER, the word MAIL, .COM, .CO.UK or "
    "WWW. A distance-selling pharmacy with another name (e.g. Pharmacy2U) is still counted.",
)
HOSPITALS = Source(
    id="hospitals",
    title="Hospitals (NHS Choices open data, about 2018)",
    publisher="NHS Choices / NHS Digital",
    licence=OGL,
    attribution=(
        "Hospitals: NHS Choices open data. Contains public sector information licensed under "
        "the Open Government Licence v3.0"
    ),
    landing_page="https://www.data.gov.uk/dataset/f4420d1c-2a4f-4fb0-8e2b-b0b6bf3a1e4e/hospitals",
    downloads=(
        # The legacy NHS Choices address has no known successor in this layout; the copy
        # staged for this project (a 2018 snapshot of it) is the fallback.
        Download(
            url="https://media.nhschoices.nhs.uk/data/foi/Hospital.csv",
            file_name="Hospital.csv",
            alternatives=(
                Download(
                    url="https://raw.githubusercontent.com/TheRealMolen/nhs/"
                    "51414f42a0490cbc7fa980758e18513ef7b8c0a8/data/Hospital.csv",
                    file_name="Hospital.csv",
                ),
            ),
        ),
    ),
    files=("Hospital.csv",),
    load=load_hospitals,
    checks=SERVICE_CHECK,
    service=HOSPITAL,
    notes="Stale (about January 2018): hospitals opened since, such as Midland Metropolitan "
    "University Hospital (2024), are missing. NHS Choices retired this file; no current "
    "official address for it was found (the ODS 'ets' report of trust sites has another "
    "layout and no coordinates). When the legacy address fails, the download falls back to "
    "the 2018 copy in github.com/TheRealMolen/nhs (commit 51414f4).",
)
LIBRARIES = Source(
    id="libraries",
    title="Public libraries in England (2023 basic dataset)",
    publisher="DCMS / Arts Council England, compiled by Libraries Hacked",
    licence=OGL,
    attribution=(
        "Public libraries: DCMS / Arts Council England, via Libraries Hacked. Contains public "
        "sector information licensed under the Open Government Licence v3.0"
    ),
    landing_page="https://github.com/LibrariesHacked/librarydata-db",
    downloads=(
        Download(
            # Pinned to the commit the staged copy came from.
            url="https://raw.githubusercontent.com/LibrariesHacked/librarydata-db/"
            "60c6610471a13a17f7ca69ef3d8d5d91894b135f/data/libraries_england_2023.csv",
            file_name="libraries_england_2023.csv",
        ),
    ),
    files=("libraries_england_20??.csv",),
    load=load_libraries,
    checks=SERVICE_CHECK,
    service=LIBRARY,
    notes="Only open static public libraries (type 'Static Library', no `closed` year) are "
    "used. Prison, mobile, archive and local-history library rows and closed libraries are "
    "kept in src_libraries with excluded_because. Closures since 2023 are not in the file.",
)
SOURCES = (GP_PRACTICES, PHARMACIES, HOSPITALS, LIBRARIES)
