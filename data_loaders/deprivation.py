"""English Indices of Deprivation (MHCLG): IoD2025 Files 1, 3 and 7, IoD2019 File 2, and a
council compilation of the IoD2025 IMD score.

Grain: one row per LSOA x domain x measure (rank, decile or score), long. The official
files are wide, one column per domain and measure, named like
'Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)';
one parser reads them all, so a user who brings File 7 gets every domain's score.
IoD2019 is on LSOA 2011 codes; the build maps it to LSOA 2021 through the exact-fit lookup.
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
    find_column,
    read_csv_text,
    to_number,
)

MHCLG = "Ministry of Housing, Communities and Local Government (MHCLG)"
IOD_ATTRIBUTION = (
    "English Indices of Deprivation, MHCLG. "
    "Contains public sector information licensed under the Open Government Licence v3.0"
)
IOD2025_PAGE = "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025"
IOD2019_PAGE = "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019"
GOV_UK_MEDIA = "https://assets.publishing.service.gov.uk/media"

DOMAIN_IDS = {
    "index of multiple deprivation": "imd",
    "income": "income",
    "employment": "employment",
    "education, skills and training": "education",
    "health deprivation and disability": "health",
    "crime": "crime",
    "barriers to housing and services": "barriers",
    "living environment": "living_environment",
    "income deprivation affecting children index": "idaci",
    "income deprivation affecting older people": "idaopi",
    "income deprivation affecting older people index": "idaopi",
}
MEASURE_COLUMN = re.compile(r"^(?P<domain>.+?)\s+(?P<measure>Score|Rank|Decile)\b", re.IGNORECASE)
DEPRIVATION_COLUMNS = ("lsoa_code", "lsoa_year", "domain", "measure", "value")


def domain_id(label: str) -> str:
    """'Income Deprivation Affecting Children Index (IDACI)' -> 'idaci'; unknown -> slug."""
    plain = re.sub(r"\s*\([^)]*\)", "", label).strip().lower()
    if plain in DOMAIN_IDS:
        return DOMAIN_IDS[plain]
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def tidy_iod_frame(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Wide IoD sheet -> long (lsoa_code, lsoa_year, domain, measure, value)."""
    code_column = find_column(frame, r"LSOA code \((2011|2021)\)", path, "LSOA code")
    lsoa_year = int(str(code_column)[-5:-1])  # the column matched "LSOA code (yyyy)"
    measure_columns = {
        column: match for column in frame.columns if (match := MEASURE_COLUMN.match(str(column)))
    }
    if not measure_columns:
        raise LoaderError(path, "no '<domain> Rank', 'Decile' or 'Score' columns")
    parts = []
    for column, match in measure_columns.items():
        parts.append(
            pd.DataFrame(
                {
                    "lsoa_code": frame[code_column].astype("string").str.strip(),
                    "lsoa_year": lsoa_year,
                    "domain": domain_id(match.group("domain")),
                    "measure": match.group("measure").lower(),
                    "value": to_number(frame[column], path, str(column)).astype("float64"),
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    return long.dropna(subset=["lsoa_code"])


def load_iod_workbook(paths: list[Path]) -> Tables:
    """Every data sheet of an official IoD workbook (the 'Notes' sheet has no LSOA column)."""
    path = paths[0]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        frames = [
            tidy_iod_frame(sheet, path)
            for sheet in sheets.values()
            if any(re.match(r"LSOA code", str(c), re.IGNORECASE) for c in sheet.columns)
        ]
        if not frames:
            raise LoaderError(path, "no sheet has an 'LSOA code (2021)' or '(2011)' column")
        return {"values": pd.concat(frames, ignore_index=True)}
    return {"values": tidy_iod_frame(read_csv_text(path), path)}


def load_imd_score_compilation(paths: list[Path]) -> Tables:
    """Birmingham City Council's LSOA21 file carrying the IoD2025 IMD score (IMDSCORE)."""
    path = paths[0]
    frame = read_csv_text(path)
    code = find_column(frame, "LSOA21CD", path, "LSOA 2021 code")
    score = find_column(frame, "IMDSCORE", path, "IMD score")
    values = pd.DataFrame(
        {
            "lsoa_code": frame[code].str.strip(),
            "lsoa_year": 2021,
            "domain": "imd",
            "measure": "score",
            "value": to_number(frame[score], path, score).astype("float64"),
        }
    )
    return {"values": values}


def _check(lsoa_pattern: str) -> dict[str, TableCheck]:
    return {
        "values": TableCheck(
            required_columns=DEPRIVATION_COLUMNS,
            code_column="lsoa_code",
            code_pattern=lsoa_pattern,
            expected_rows=(1, 2_000_000),
            not_null=("lsoa_code", "domain", "measure"),
        )
    }


def _iod_source(id: str, title: str, file_name: str, url: str, page: str, **extra) -> Source:
    return Source(
        id=id,
        title=title,
        publisher=extra.pop("publisher", MHCLG),
        licence=OGL,
        attribution=IOD_ATTRIBUTION,
        landing_page=page,
        downloads=(Download(url=url, file_name=file_name),),
        files=extra.pop("files", (file_name,)),
        load=extra.pop("load", load_iod_workbook),
        checks=_check(extra.pop("lsoa_pattern", r"E01\d{6}")),
        **extra,
    )


SOURCES = (
    _iod_source(
        "iod2025_file1",
        "English Indices of Deprivation 2025, File 1: Index of Multiple Deprivation (ranks, deciles)",
        "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",
        f"{GOV_UK_MEDIA}/691dece32c6b98ecdbc500d5/File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",
        IOD2025_PAGE,
    ),
    _iod_source(
        "iod2025_file3",
        "English Indices of Deprivation 2025, File 3: supplementary indices IDACI and IDAOPI",
        "File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx",
        f"{GOV_UK_MEDIA}/691ded0a21ef5aaa6543efe9/File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx",
        IOD2025_PAGE,
    ),
    _iod_source(
        "iod2025_file7",
        "English Indices of Deprivation 2025, File 7: all ranks, scores, deciles and denominators",
        "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        f"{GOV_UK_MEDIA}/691ded56d140bbbaa59a2a7d/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        IOD2025_PAGE,
        required=False,
        notes="Not staged here; when provided, every domain's score is loaded. The media "
        "address is that of the corrected file (published 30 October 2025, corrected 19 "
        "November 2025).",
    ),
    _iod_source(
        "iod2025_imd_score_compilation",
        "IoD2025 IMD score by LSOA 2021 (compiled by Birmingham City Council Population Health Management)",
        "imd_lookups.csv",
        # Pinned to the commit the staged copy came from: the file has moved in the past.
        "https://raw.githubusercontent.com/BCC-PHM/geoManipulatoR/"
        "8f8752f572ec6f579fb54d7ffbd9d92c7506ac9e/inst/extdata/imd_lookups.csv",
        "https://github.com/BCC-PHM/geoManipulatoR",
        load=load_imd_score_compilation,
        publisher="Birmingham City Council Population Health Management (IoD2025 scores "
        "from MHCLG)",
        notes="Not an official layout. Used for the IMD score only when File 7 is absent. "
        "Downloaded from BCC-PHM/geoManipulatoR at commit 8f8752f.",
    ),
    _iod_source(
        "iod2019_file2",
        "English Indices of Deprivation 2019, File 2: domains of deprivation (LSOA 2011)",
        "File_2_-_IoD2019_Domains_of_Deprivation.xlsx",
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/"
        "file/833973/File_2_-_IoD2019_Domains_of_Deprivation.xlsx",
        IOD2019_PAGE,
        files=(
            "File_2_-_IoD2019_Domains_of_Deprivation.xlsx",
            "File_2_-_IoD2019_Domains_of_Deprivation.csv*",
        ),
        notes="On LSOA 2011; mapped to LSOA 2021 through the ONS exact-fit lookup.",
    ),
)
