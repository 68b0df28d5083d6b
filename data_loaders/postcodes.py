"""Ordnance Survey Code-Point Open: a point for every live postcode in Great Britain.

Grain: one row per postcode. The official CSVs, one per postcode area (b.csv, cv.csv...),
have no header row: the column order is OS's documented one (Doc/Code-Point_Open_Column_Headers.csv).
Coordinates are British National Grid (EPSG:27700); the build converts them to WGS84 and
places each postcode in its LSOA 2021. Quality 90 means OS has no coordinates for it.
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

CODE_POINT_COLUMNS = (
    "postcode",
    "positional_quality",
    "easting",
    "northing",
    "country_code",
    "nhs_regional_ha_code",
    "nhs_ha_code",
    "admin_county_code",
    "admin_district_code",
    "admin_ward_code",
)
NO_COORDINATES_QUALITY = 90


def load(paths: list[Path]) -> Tables:
    frames = []
    for path in sorted(paths):
        frame = read_csv_text(path, header=None)
        if frame.shape[1] != len(CODE_POINT_COLUMNS):
            raise LoaderError(
                path,
                f"{frame.shape[1]} columns, expected the {len(CODE_POINT_COLUMNS)} Code-Point Open"
                " columns (the files have no header row)",
            )
        frame.columns = list(CODE_POINT_COLUMNS)
        frame["positional_quality"] = to_number(frame["positional_quality"], path, "quality")
        frame["easting"] = to_number(frame["easting"], path, "easting").astype("float64")
        frame["northing"] = to_number(frame["northing"], path, "northing").astype("float64")
        no_point = frame["positional_quality"].eq(NO_COORDINATES_QUALITY)
        frame.loc[no_point, ["easting", "northing"]] = float("nan")
        frame["postcode_key"] = normalise_postcode(frame["postcode"])
        frames.append(frame)
    postcodes = pd.concat(frames, ignore_index=True)
    return {"postcodes": postcodes}


SOURCE = Source(
    id="codepoint_open",
    title="OS Code-Point Open (postcode locations)",
    publisher="Ordnance Survey",
    licence=OGL,
    attribution=(
        "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data "
        "© Royal Mail copyright and database right 2025; Contains National Statistics data © "
        "Crown copyright and database right 2025"
    ),
    landing_page="https://osdatahub.os.uk/downloads/open/CodePointOpen",
    downloads=(
        Download(
            url="https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV&redirect",
            file_name="codepo_gb.zip",
            kind="zip",
        ),
    ),
    # Code-Point Open names its files by postcode area (b.csv, cv.csv): match the folder too.
    files=("*Data/CSV/[a-z]*.csv",),
    many_files=True,
    load=load,
    checks={
        "postcodes": TableCheck(
            required_columns=("postcode", "postcode_key", "easting", "northing"),
            code_column="postcode_key",
            code_pattern=r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}",
            expected_rows=(1, 2_000_000),
        )
    },
)
SOURCES = (SOURCE,)
