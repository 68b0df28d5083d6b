"""Life expectancy at birth by MSOA (2011 MSOAs), 2016 to 2020 (ad hoc request REQ3292).

Published by Birmingham City Council's public health team (github.com/BCC-PHM). The file
name and its `Analysis` column say England, but it holds the Welsh MSOAs too (W02 codes).
The workbook (one sheet, `Data`, no notes) names no issuing body.

Grain: one row per MSOA 2011 x sex. The build maps it to MSOA 2021 only where the 2011 and
2021 MSOA correspond one to one (see queries/build); elsewhere the value is left out
rather than guessed.
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
    require_columns,
    to_number,
)

COLUMNS = {
    "Period": "period",
    "Code": "msoa11cd",
    "Code Name": "msoa11nm",
    "Sex": "sex",
    "No of Deaths": "deaths",
    "Population": "population",
    "Life Expectancy at birth (in years)": "life_expectancy",
    "Lower 95% confidence interval": "ci_low",
    "Upper 95% confidence interval": "ci_high",
}


def load(paths: list[Path]) -> Tables:
    path = paths[0]
    sheets = pd.read_excel(path, sheet_name=None, dtype=str)
    sheet = next((s for s in sheets.values() if "Code" in s.columns), None)
    if sheet is None:
        raise LoaderError(path, "no sheet with a 'Code' column (expected sheet 'Data')")
    require_columns(sheet, COLUMNS, path)
    tidy = sheet[list(COLUMNS)].rename(columns=COLUMNS)
    for column in ("deaths", "population", "life_expectancy", "ci_low", "ci_high"):
        tidy[column] = to_number(tidy[column], path, column).astype("float64")
    return {"values": tidy}


REQ3292_FILE = "REQ3292_LifeExpectancy_2011MSOAs_England_2016_to_2020.xlsx"
REQ3292_REPOSITORY = "https://github.com/BCC-PHM/REQ-unemp-life-exp"

SOURCE = Source(
    id="life_expectancy_msoa11",
    title="Life expectancy at birth by MSOA (2011), England and Wales, 2016 to 2020",
    publisher="Birmingham City Council Public Health (request REQ3292)",
    licence=OGL,
    attribution=(
        "Life expectancy by MSOA 2016-2020: Birmingham City Council Public Health, request "
        "REQ3292. Contains public sector information licensed under the Open Government "
        "Licence v3.0"
    ),
    landing_page=REQ3292_REPOSITORY,
    downloads=(
        # The only public copy, pinned to the commit the staged file came from.
        Download(
            url="https://raw.githubusercontent.com/BCC-PHM/REQ-unemp-life-exp/"
            f"0b0accf2c554c0f8555bd35d65c9ac8366efc1f0/data/{REQ3292_FILE}",
            file_name=REQ3292_FILE,
        ),
    ),
    files=(REQ3292_FILE,),
    load=load,
    checks={
        "values": TableCheck(
            required_columns=tuple(COLUMNS.values()),
            code_column="msoa11cd",
            code_pattern=r"[EW]02\d{6}",
            expected_rows=(1, 25_000),
            not_null=("msoa11cd", "sex"),
        )
    },
    notes="REQ3292 is a Birmingham City Council public-health intelligence request (its "
    "request folder is 'REQ3292 - Life Expectancy and Worklessness'); the workbook is "
    "published in the council's BCC-PHM/REQ-unemp-life-exp repository, whose README gives "
    "ONS as the source of the life expectancy figures and licenses the repository under "
    "the OGL v3 and MIT. The workbook itself (one sheet, Data, no notes) names no issuer, "
    "and no ONS publication of it was found. Its file name and Analysis column say "
    "England, yet 410 of its 7,201 MSOAs are Welsh (W02 codes).",
)
SOURCES = (SOURCE,)
