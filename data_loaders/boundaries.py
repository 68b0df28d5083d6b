"""ONS boundary files (LSOA 2021, MSOA 2021, wards, local authority districts).

Grain: one row per area, geometry as WKB in WGS84 (EPSG:4326). Reads GeoJSON or a
shapefile in any CRS: the LSOA/MSOA/ward files travel as lon/lat (CRS84), the LAD files
as British National Grid (EPSG:27700), so everything is reprojected on load.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import geopandas as gpd

from data_loaders._source import (
    OGL,
    ONS_GEOGRAPHY_ATTRIBUTION,
    Download,
    LoaderError,
    Source,
    TableCheck,
    Tables,
    find_column,
    ons_feature_server,
    ons_hub_item,
)

ONS_PORTAL = "https://geoportal.statistics.gov.uk"
ONS_PUBLISHER = "Office for National Statistics (Open Geography Portal)"

BOUNDARY_COLUMNS = ("code", "name", "geometry_wkb")


def load_boundaries(paths: list[Path], code_prefix: str) -> Tables:
    """Read one boundary file; `code_prefix` is the ONS column stem, e.g. 'LSOA21' or 'WD'."""
    path = paths[0]
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises its own error types for unreadable files
        raise LoaderError(path, f"not a readable boundary file ({error})") from error
    if frame.crs is None:
        raise LoaderError(path, "the file declares no coordinate reference system")
    code_column = find_column(frame, rf"{code_prefix}\d*CD", path, "area code")
    name_column = find_column(frame, rf"{code_prefix}\d*NM", path, "area name")
    frame = frame.to_crs(4326)
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise LoaderError(path, "some areas have no geometry")
    tidy = frame[[code_column, name_column]].rename(
        columns={code_column: "code", name_column: "name"}
    )
    tidy["geometry_wkb"] = frame.geometry.make_valid().to_wkb()
    tidy["vintage_column"] = code_column
    return {"boundaries": tidy.astype({"code": "string", "name": "string"})}


def _boundary_source(
    id: str,
    title: str,
    code_prefix: str,
    code_pattern: str,
    files: tuple[str, ...],
    download: Download,
    landing_page: str,
    max_rows: int,
    notes: str,
    required: bool = True,
) -> Source:
    return Source(
        id=id,
        title=title,
        publisher=ONS_PUBLISHER,
        licence=OGL,
        attribution=ONS_GEOGRAPHY_ATTRIBUTION,
        landing_page=landing_page,
        downloads=(download,),
        files=files,
        load=partial(load_boundaries, code_prefix=code_prefix),
        checks={
            "boundaries": TableCheck(
                required_columns=BOUNDARY_COLUMNS,
                code_column="code",
                code_pattern=code_pattern,
                expected_rows=(1, max_rows),
                not_null=("code", "name"),
            )
        },
        notes=notes,
        required=required,
    )


# The ONS downloads name their generalisation (BGC, BSC, BUC); the WMCA files staged for
# this project were repackaged by github.com/drkane/geo-lookups and do not, so the titles
# claim only "generalised" and the notes say what is inferred, and from what.
REPACKAGED = (
    "The WMCA file ({name}) is an ONS file repackaged by drkane/geo-lookups (subset to the "
    "combined authority; columns {added} added). It does not say which ONS generalisation "
    "it is"
)


def _portal_search(title: str) -> str:
    """The portal's search for a product whose dataset page address was not found."""
    return f"{ONS_PORTAL}/search?q={title.replace(' ', '%20')}"


LSOA21_SERVICE = "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5"
LSOA21 = _boundary_source(
    id="lsoa21_boundaries",
    title="Lower layer Super Output Areas (December 2021) Boundaries EW (V5), generalised",
    code_prefix="LSOA21",
    code_pattern=r"[EW]01\d{6}",
    files=(
        "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC*.geojson",
        "LSOA21_boundaries_*.geojson",
    ),
    # Hub item "Lower layer Super Output Areas (December 2021) Boundaries EW BGC (V5)";
    # the same layer paged from its FeatureServer if the Hub export fails.
    download=ons_hub_item(
        "68515293204e43ca8ab56fa13ae8a547",
        "geojson",
        f"{LSOA21_SERVICE}.geojson",
        alternatives=(ons_feature_server(LSOA21_SERVICE, f"{LSOA21_SERVICE}.geojson"),),
    ),
    landing_page=f"{ONS_PORTAL}/datasets/ons::lower-layer-super-output-areas-december-2021-boundaries-ew-bgc-v5-2/about",
    max_rows=36_000,
    notes=REPACKAGED.format(
        name="LSOA21_boundaries_E47000007_WMCA.geojson",
        added="LADCD_ACTIVE, UTLACD, CAUTHCD, RGNCD",
    )
    + ": BGC (20 m) is inferred from its vertex spacing (median about 80 m). The ONS "
    "download (Boundaries EW BGC V5, 35,672 areas) is BGC.",
)

MSOA21_SERVICE = "Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V3"
MSOA21 = _boundary_source(
    id="msoa21_boundaries",
    title="Middle layer Super Output Areas (December 2021) Boundaries EW (V3), generalised",
    code_prefix="MSOA21",
    code_pattern=r"[EW]02\d{6}",
    files=(
        "Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC*.geojson",
        "MSOA21_boundaries_*.geojson",
    ),
    download=ons_hub_item(
        "6b282db29762450881ed5159259a6e4e",
        "geojson",
        f"{MSOA21_SERVICE}.geojson",
        alternatives=(ons_feature_server(MSOA21_SERVICE, f"{MSOA21_SERVICE}.geojson"),),
    ),
    landing_page=f"{ONS_PORTAL}/datasets/ons::middle-layer-super-output-areas-december-2021-boundaries-ew-bgc-v3-2/about",
    max_rows=7_300,
    notes=REPACKAGED.format(
        name="MSOA21_boundaries_E47000007_WMCA.geojson",
        added="LADCD_ACTIVE, UTLACD, CAUTHCD, RGNCD",
    )
    + ". The ONS download (Boundaries EW BGC V3, 7,264 areas) is BGC.",
)

WARD25 = _boundary_source(
    id="ward25_boundaries",
    title="Wards (May 2025) Boundaries UK (V2), generalised",
    code_prefix="WD25",
    code_pattern=r"[EW]05\d{6}",
    files=(
        "WD_MAY_2025_UK_B?C*.geojson",
        "Wards_May_2025_Boundaries_UK_BGC*.geojson",
        "WD25_boundaries_*.geojson",
    ),
    # No Hub item id was found for this product: its FeatureServer is paged instead.
    download=ons_feature_server("WD_MAY_2025_UK_BGC_V2", "WD_MAY_2025_UK_BGC_V2.geojson"),
    landing_page=_portal_search("Wards (May 2025) Boundaries UK BGC (V2)"),
    max_rows=9_500,
    notes=REPACKAGED.format(
        name="WD25_boundaries_E47000007_WMCA.geojson",
        added="LADCD_ACTIVE, UTLACD, CAUTHCD, RGNCD",
    )
    + ". The ONS download (Wards (May 2025) Boundaries UK BGC (V2), service "
    "WD_MAY_2025_UK_BGC_V2) is BGC.",
)

WARD22 = _boundary_source(
    id="ward22_boundaries",
    title="Wards (May 2022) Boundaries UK (V3), generalised",
    code_prefix="WD22",
    code_pattern=r"[EW]05\d{6}",
    files=("Wards_May_2022_Boundaries_UK_BGC*.geojson", "WD22_boundaries_*.geojson"),
    download=ons_feature_server(
        "Wards_May_2022_Boundaries_UK_BGC_V3", "Wards_May_2022_Boundaries_UK_BGC_V3.geojson"
    ),
    landing_page=f"{ONS_PORTAL}/datasets/ons::wards-may-2022-boundaries-uk-bgc-v3/about",
    max_rows=9_500,
    notes=REPACKAGED.format(
        name="WD22_boundaries_E47000007_WMCA.geojson",
        added="LADCD_ACTIVE, UTLACD, CAUTHCD, RGNCD",
    )
    + ". The ONS download (Wards (May 2022) Boundaries UK BGC (V3)) is BGC.",
    required=False,
)

LAD = _boundary_source(
    id="lad_boundaries",
    title="Local Authority Districts (May 2025) Boundaries UK BSC (V2), super generalised",
    code_prefix="LAD",
    code_pattern=r"[ENSW]\d{8}",
    files=(
        "LAD_*_UK_B?C*.geojson",
        "LAD_*_UK_B?C*.shp",
        "Local_Authority_Districts_(May_2025)_Boundaries_UK_BSC_(V2).shp",
        "Local_Authority_Districts_*_Boundaries_UK_B?C*.shp",
        "Local_Authority_Districts_*_Boundaries_UK_B?C*.geojson",
        "lad2?buc.geojson",
    ),
    # The service name is the layer's own name (LAD_MAY_2025_UK_BSC_V2); the generalised
    # (BGC, 20 m) service of the same districts is the fallback.
    download=ons_feature_server(
        "LAD_MAY_2025_UK_BSC_V2",
        "LAD_MAY_2025_UK_BSC_V2.geojson",
        alternatives=(
            ons_feature_server("LAD_MAY_2025_UK_BGC_V2", "LAD_MAY_2025_UK_BGC_V2.geojson"),
        ),
    ),
    landing_page=_portal_search("Local Authority Districts (May 2025) Boundaries UK BSC (V2)"),
    max_rows=400,
    notes="The ONS download is LAD_MAY_2025_UK_BSC_V2, super-generalised (BSC, 200 m); if "
    "that service is unavailable, LAD_MAY_2025_UK_BGC_V2 (generalised, 20 m) is fetched "
    "instead, and the file name in the sources table says which. "
    "Local_Authority_Districts_(May_2025)_Boundaries_UK_BSC_(V2) is the same product under "
    "another name. lad23buc.geojson is taken to be December 2023 ultra-generalised (BUC, "
    "500 m): inferred from its file name, which its uploader chose, and its LAD23 columns; "
    "the file itself does not say.",
)

SOURCES = (LSOA21, MSOA21, WARD25, WARD22, LAD)
