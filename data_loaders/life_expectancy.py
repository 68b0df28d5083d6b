"""Life expectancy at birth by MSOA (2011 MSOAs), 2016 to 2020 (ad hoc request REQ3292).

The file name and its `Analysis` column say England, but it holds the Welsh MSOAs too
(W02 codes). The workbook (one sheet, `Data`, no notes) names no issuing body.

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


SOURCE = Source(
    id="life_expectancy_msoa11",
    title="Life expectancy at birth by MSOA (2011), England and Wales, 2016 to 2020",
    publisher="Not named in the workbook (ad hoc request REQ3292)",
    licence=OGL,
    attribution=(
        "Life expectancy by MSOA 2016-2020 (REQ3292). Contains public sector information "
        "licensed under the Open Government Licence v3.0"
    ),
    landing_page=(
        "https://www.ons.gov.uk/peoplepopulationandcommunity/healthandsocialcare/"
        "healthandlifeexpectancies/adhocs"
    ),
    downloads=(
        Download(
            url="https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/healthandsocialcare/"
            "healthandlifeexpectancies/adhocs/REQ3292_LifeExpectancy_2011MSOAs_England_2016_to_2020.xlsx",
            file_name="REQ3292_LifeExpectancy_2011MSOAs_England_2016_to_2020.xlsx",
        ),
    ),
    files=("REQ3292_LifeExpectancy_2011MSOAs_England_2016_to_2020.xlsx",),
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
    notes="The workbook has one sheet (Data) and no notes, and names no issuing body: "
    "ONS or OHID is inferred from the REQ ad hoc numbering, and the licence (OGL) from that "
    "inference. Its file name and Analysis column say England, yet 410 of its 7,201 MSOAs "
    "are Welsh (W02 codes). The download address follows ONS's ad hoc file pattern and is "
    "unconfirmed; the staged copy is from github.com/BCC-PHM/REQ-unemp-life-exp.",
)
SOURCES = (SOURCE,)
