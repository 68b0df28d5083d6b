"""Service locations: NHS GP practices and pharmacies (ODS), hospitals (NHS Choices), and
public libraries (DCMS basic dataset, as loaded by Libraries Hacked).

Grain: one row per service point, with a postcode; hospitals also carry coordinates.
The build geocodes postcodes through Code-Point Open and places each point in its LSOA 2021.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_loaders._source import (
    OGL,
    Download,
    LoaderError,
    Source,
    TableCheck,
    Tables,
    normalise_postcode,
    read_csv_text,
    to_number,
)

SERVICE_COLUMNS = ("service_type", "service_code", "name", "postcode", "postcode_key", "status")
ODS_PUBLISHER = "NHS England Organisation Data Service (ODS)"
ODS_ATTRIBUTION = (
    "NHS ODS data: NHS England. Contains public sector information licensed under the "
    "Open Government Licence v3.0"
)
ODS_FILES = "https://files.digital.nhs.uk/assets/ods/current"
# Positions in the ODS standard 27-column layout (1-based in the ODS documentation).
ODS_CODE, ODS_NAME, ODS_POSTCODE, ODS_CLOSE_DATE, ODS_STATUS, ODS_ROLE = 0, 1, 9, 11, 12, 25
ODS_WIDTH = 27
GP_PRACTICE_ROLE = "RO76"
OLD_GP_PRESCRIBING_SETTING = "4"  # the role before ODS moved to RO codes


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
        "services": _services(practices, "gp_practice", pd.Series("active", index=practices.index))
    }


def load_pharmacies(paths: list[Path]) -> Tables:
    frame = _read_ods(paths[0])
    open_now = frame[ODS_STATUS].str.strip().str.upper().isin(["A", "ACTIVE"])
    pharmacies = frame[open_now]
    return {
        "services": _services(pharmacies, "pharmacy", pd.Series("active", index=pharmacies.index))
    }


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
            "service_type": "hospital",
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


def load_libraries(paths: list[Path]) -> Tables:
    """Public library service points; closed ones are kept out (the `closed` year is set)."""
    path = paths[0]
    frame = read_csv_text(path)
    needed = ["name", "authority", "postcode", "type", "closed"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise LoaderError(path, f"missing column(s) {', '.join(missing)}")
    open_now = frame[frame["closed"].isna()]
    services = pd.DataFrame(
        {
            "service_type": "library",
            "service_code": open_now.get("uprn", pd.Series(pd.NA, index=open_now.index)),
            "name": open_now["name"],
            "postcode": open_now["postcode"],
            "postcode_key": normalise_postcode(open_now["postcode"]),
            "status": "open",
            "library_type": open_now["type"],
            "authority": open_now["authority"],
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
    downloads=(
        Download(url=f"{ODS_FILES}/epraccur.zip", file_name="epraccur.zip", member="epraccur.csv"),
    ),
    files=("epraccur.csv",),
    load=load_gp_practices,
    checks=SERVICE_CHECK,
)
PHARMACIES = Source(
    id="pharmacies",
    title="Pharmacies (ODS edispensary: active dispensing contractors)",
    publisher=ODS_PUBLISHER,
    licence=OGL,
    attribution=ODS_ATTRIBUTION,
    landing_page="https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/other-nhs-organisations",
    downloads=(
        Download(
            url=f"{ODS_FILES}/edispensary.zip",
            file_name="edispensary.zip",
            member="edispensary.csv",
        ),
    ),
    files=("edispensary.csv",),
    load=load_pharmacies,
    checks=SERVICE_CHECK,
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
        Download(
            url="https://media.nhschoices.nhs.uk/data/foi/Hospital.csv", file_name="Hospital.csv"
        ),
    ),
    files=("Hospital.csv",),
    load=load_hospitals,
    checks=SERVICE_CHECK,
    notes="Stale (about January 2018): hospitals opened since, such as Midland Metropolitan "
    "University Hospital (2024), are missing.",
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
            url="https://raw.githubusercontent.com/LibrariesHacked/librarydata-db/main/data/libraries_england_2023.csv",
            file_name="libraries_england_2023.csv",
        ),
    ),
    files=("libraries_england_20??.csv",),
    load=load_libraries,
    checks=SERVICE_CHECK,
)
SOURCES = (GP_PRACTICES, PHARMACIES, HOSPITALS, LIBRARIES)
