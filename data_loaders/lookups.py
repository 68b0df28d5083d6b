"""ONS lookups between statistical and administrative geographies, and Commons Library MSOA names.

Grain: one row per LSOA 2021 (ward lookups), one row per LSOA 2011 x LSOA 2021 pair (exact
fit), one row per MSOA 2021 (names). ONS lookups are UTF-8 with a byte-order mark and carry
the vintage in their column names (WD22CD, LAD24CD, ...), so columns are found by pattern
and renamed to vintage-free names; the vintage is kept in its own column.
"""

from __future__ import annotations

from pathlib import Path

from data_loaders._source import (
    OGL,
    ONS_ATTRIBUTION,
    Download,
    Source,
    TableCheck,
    Tables,
    find_column,
    ons_feature_server,
    ons_hub_item,
    read_csv_text,
)

ONS_PORTAL = "https://geoportal.statistics.gov.uk"
ONS_PUBLISHER = "Office for National Statistics (Open Geography Portal)"
LSOA21_PATTERN = r"[EW]01\d{6}"


def load_ward_lookup(paths: list[Path]) -> Tables:
    path = paths[0]
    frame = read_csv_text(path)
    lsoa = find_column(frame, r"LSOA21CD", path, "LSOA 2021 code")
    ward = find_column(frame, r"WD\d\dCD", path, "ward code")
    ward_name = find_column(frame, r"WD\d\dNM", path, "ward name")
    lad = find_column(frame, r"LAD\d\dCD", path, "district code")
    lad_name = find_column(frame, r"LAD\d\dNM", path, "district name")
    lsoa_name = find_column(frame, r"LSOA21NM", path, "LSOA 2021 name")
    tidy = frame[[lsoa, lsoa_name, ward, ward_name, lad, lad_name]].set_axis(
        ["lsoa21cd", "lsoa21nm", "ward_code", "ward_name", "lad_code", "lad_name"], axis=1
    )
    tidy["ward_year"] = int("20" + ward[2:4])  # the column matched WD\d\dCD
    return {"lookup": tidy}


def load_lsoa11_lsoa21(paths: list[Path]) -> Tables:
    path = paths[0]
    frame = read_csv_text(path)
    columns = ["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND"]
    for column in columns:
        find_column(frame, column, path, column)
    tidy = frame[columns].set_axis(
        ["lsoa11cd", "lsoa11nm", "lsoa21cd", "lsoa21nm", "change"], axis=1
    )
    return {"lookup": tidy}


def load_msoa_names(paths: list[Path]) -> Tables:
    path = paths[0]
    frame = read_csv_text(path)
    columns = ["msoa21cd", "msoa21nm", "msoa21hclnm", "localauthorityname", "type"]
    for column in columns:
        find_column(frame, column, path, column)
    tidy = frame[columns].rename(
        columns={"msoa21hclnm": "msoa21_hcl_name", "localauthorityname": "lad_name"}
    )
    tidy["present_in_2011"] = tidy["type"].str.strip().eq("Present in 2011")
    return {"names": tidy.drop(columns="type")}


LOOKUP_CHECK = TableCheck(
    required_columns=("lsoa21cd", "ward_code", "lad_code"),
    code_column="lsoa21cd",
    code_pattern=LSOA21_PATTERN,
    expected_rows=(1, 36_000),
    not_null=("lsoa21cd", "ward_code", "lad_code"),
)


def _ward_lookup(
    year: int,
    official_name: str,
    slug: str,
    service: str,
    version: str = "",
    required: bool = True,
    notes: str = "",
) -> Source:
    return Source(
        id=f"lsoa21_ward{year % 100}_lookup",
        title=f"LSOA (2021) to Electoral Ward ({year}) to LAD ({year}) best-fit lookup, "
        f"England and Wales{version}",
        publisher=ONS_PUBLISHER,
        licence=OGL,
        attribution=ONS_ATTRIBUTION,
        landing_page=f"{ONS_PORTAL}/datasets/ons::{slug}/about",
        # No Hub item id was found for these tables: their FeatureServer is paged (the
        # lookup services answer at most 1,000 records a page).
        downloads=(
            ons_feature_server(service, official_name, page_size=1000, order_by="LSOA21CD"),
        ),
        files=(official_name,),
        load=load_ward_lookup,
        checks={"lookup": LOOKUP_CHECK},
        notes="Best fit: an LSOA that straddles a ward boundary is assigned to one ward only."
        + (f" {notes}" if notes else ""),
        required=required,
    )


# Where May 2025 wards are drawn, the 2025 lookup is preferred; the 2024 one (whose ward
# codes the May 2025 wards share) is the fallback when only it is provided. One of the two
# is enough: see WARD_LOOKUPS and data_loaders.ONE_OF.
WARD25_LOOKUP = _ward_lookup(
    2025,
    "LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv",
    "lsoa-2021-to-electoral-ward-2025-to-lad-2025-best-fit-lookup-in-ew-v2",
    "LSOA21_WD25_LAD25_EW_LU_v2",
    version=" (V2)",
    required=False,
    notes="Preferred for May 2025 wards; the 2024 lookup is used when only it is provided.",
)
WARD24_LOOKUP = _ward_lookup(
    2024,
    "LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv",
    "lsoa-2021-to-electoral-ward-2024-to-lad-2024-best-fit-lookup-in-ew",
    "LSOA21_WD24_LAD24_EW_LU",
    required=False,
    notes="Used for May 2025 wards (their codes agree) only when the 2025 lookup is absent.",
)
WARD22_LOOKUP = _ward_lookup(
    2022,
    "Lower_Layer_Super_Output_Area_(2021)_to_Ward_(2022)_to_LAD_(2022)_Lookup_in_England_and_Wales_v3.csv",
    "lsoa-2021-to-ward-2022-to-lad-2022-lookup-in-england-and-wales-v3",
    "LSOA21_WD22_LAD22_EW_LU_v3",
    version=" (V3)",
    required=False,
)
# The ward lookups the build can draw May 2025 wards with, best first: one is required.
WARD_LOOKUPS = (WARD25_LOOKUP.id, WARD24_LOOKUP.id)

LSOA11_LSOA21_NAME = (
    "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_for_EW_(V3).csv"
)
LSOA11_LSOA21 = Source(
    id="lsoa11_lsoa21_lookup",
    title="LSOA (2011) to LSOA (2021) to LAD (2022) exact-fit lookup, England and Wales (V3)",
    publisher=ONS_PUBLISHER,
    licence=OGL,
    attribution=ONS_ATTRIBUTION,
    landing_page=f"{ONS_PORTAL}/datasets/ons::lsoa-2011-to-lsoa-2021-to-local-authority-district-2022-exact-fit-lookup-for-ew-v3/about",
    # Hub item of the V3 product; its FeatureServer (named v5, though the product is V3)
    # is paged if the Hub export fails.
    downloads=(
        ons_hub_item(
            "cbfe64cc03d74af982c1afec639bafd1",
            "csv",
            LSOA11_LSOA21_NAME,
            alternatives=(
                ons_feature_server(
                    "LSOA11_LSOA21_LAD22_EW_LU_v5",
                    LSOA11_LSOA21_NAME,
                    page_size=1000,
                    order_by="LSOA11CD,LSOA21CD",
                ),
            ),
        ),
    ),
    files=(LSOA11_LSOA21_NAME, "LSOA_(2011)_to_LSOA_(2021)_Exact_Fit_Lookup_for_EW_(V3).csv"),
    load=load_lsoa11_lsoa21,
    checks={
        "lookup": TableCheck(
            required_columns=("lsoa11cd", "lsoa21cd", "change"),
            code_column="lsoa21cd",
            code_pattern=LSOA21_PATTERN,
            expected_rows=(1, 37_000),
            not_null=("lsoa11cd", "lsoa21cd", "change"),
        )
    },
    notes="CHGIND: U unchanged, S split, M merged, X complex.",
)

MSOA_NAMES = Source(
    id="msoa_names",
    title="MSOA Names (2021 MSOAs), version 2.2",
    publisher="House of Commons Library",
    licence="Open Parliament Licence v3.0",
    attribution=(
        "MSOA names: House of Commons Library, Open Parliament Licence v3.0 "
        "(https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/)"
    ),
    landing_page="https://houseofcommonslibrary.github.io/msoanames/",
    downloads=(
        Download(
            url="https://houseofcommonslibrary.github.io/msoanames/MSOA-Names-2.2.csv",
            file_name="MSOA-Names-2.2.csv",
        ),
    ),
    files=("MSOA-Names-2.*.csv", "MSOA-Names-Latest2.csv"),
    load=load_msoa_names,
    checks={
        "names": TableCheck(
            required_columns=("msoa21cd", "msoa21nm", "msoa21_hcl_name"),
            code_column="msoa21cd",
            code_pattern=r"[EW]02\d{6}",
            expected_rows=(1, 7_300),
            not_null=("msoa21cd", "msoa21nm"),
        )
    },
)

SOURCES = (WARD25_LOOKUP, WARD24_LOOKUP, WARD22_LOOKUP, LSOA11_LSOA21, MSOA_NAMES)
