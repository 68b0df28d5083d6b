"""Areas and points: assembling the `areas` hierarchy, simplifying display geometry, and
placing points (searches, postcodes, services) in their LSOA 2021.

All metric work happens in British National Grid (EPSG:27700), so tolerances and
distances are in metres; stored geometry is WGS84 (EPSG:4326) WKB.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arp.settings import COMBINED_AUTHORITIES

WGS84 = 4326
BRITISH_NATIONAL_GRID = 27700
# Display simplification per level, in metres: enough to halve the bytes sent to a phone,
# small next to the areas themselves (an LSOA is typically 300 m to 2 km across).
DISPLAY_TOLERANCE_M = {"lsoa": 15, "msoa": 25, "ward": 25, "lad": 60, "ca": 100}
DISPLAY_DECIMALS = 5  # about 1 m at this latitude
NEAREST_LSOA_MAX_M = 100


class GeographyError(ValueError):
    """The boundary files and lookups do not fit together."""


def from_wkb(frame: pd.DataFrame, column: str = "geometry_wkb") -> gpd.GeoDataFrame:
    # DuckDB hands BLOBs back as bytearray; shapely wants bytes.
    geometry = gpd.GeoSeries.from_wkb([bytes(b) for b in frame[column]], crs=WGS84)
    return gpd.GeoDataFrame(frame.drop(columns=[column]), geometry=geometry.values, crs=WGS84)


def display_geometry(geometry: gpd.GeoSeries, level: str) -> np.ndarray:
    """Simplify a whole level at once on its shared edges, so neighbours keep touching."""
    metric = geometry.to_crs(BRITISH_NATIONAL_GRID).values
    simplified = shapely.coverage_simplify(metric, DISPLAY_TOLERANCE_M[level])
    back = gpd.GeoSeries(simplified, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).make_valid()
    rounded = shapely.transform(back.values, lambda xy: np.round(xy, DISPLAY_DECIMALS))
    return shapely.to_wkb(shapely.make_valid(rounded))


def _msoa_name(lsoa_name: pd.Series) -> pd.Series:
    """ONS naming convention: 'Birmingham 067A' lies in MSOA 'Birmingham 067'."""
    return lsoa_name.str.strip().str[:-1]


def assemble_areas(
    lsoa: pd.DataFrame,
    ward_lookup: pd.DataFrame,
    msoa: pd.DataFrame | None,
    msoa_names: pd.DataFrame | None,
    wards: pd.DataFrame | None,
    districts: pd.DataFrame | None,
) -> pd.DataFrame:
    """The `areas` table: LSOAs whose boundaries were loaded, and every area above them.

    Each input boundary frame has code, name, geometry_wkb. The loaded LSOA boundaries
    define the area of interest: higher levels are kept only where they contain them.
    """
    lsoa_gdf = from_wkb(lsoa)
    lookup = ward_lookup.drop_duplicates("lsoa21cd").set_index("lsoa21cd")
    missing = sorted(set(lsoa_gdf["code"]) - set(lookup.index))
    if missing:
        raise GeographyError(
            f"{len(missing)} LSOA(s) in the boundary file are not in the ward lookup, "
            f"e.g. {missing[0]}: use a lookup of the same LSOA vintage (2021)"
        )
    lsoa_gdf["ward_code"] = lsoa_gdf["code"].map(lookup["ward_code"])
    lsoa_gdf["lad_code"] = lsoa_gdf["code"].map(lookup["lad_code"])
    lsoa_gdf["ca_code"] = lsoa_gdf["lad_code"].map(_combined_authority_of())

    msoa_by_name = {}
    if msoa_names is not None:
        msoa_by_name = dict(zip(msoa_names["msoa21nm"], msoa_names["msoa21cd"], strict=True))
    if msoa is not None:
        msoa_by_name.update(dict(zip(msoa["name"], msoa["code"], strict=True)))
    lsoa_gdf["msoa_code"] = _msoa_name(lsoa_gdf["name"]).map(msoa_by_name)

    parts = [_lsoa_rows(lsoa_gdf)]
    if msoa is not None:
        parts.append(_msoa_rows(msoa, msoa_names, lsoa_gdf))
    parts.append(_ward_rows(wards, lookup, lsoa_gdf))
    lad_rows = _district_rows(districts, lookup, lsoa_gdf)
    parts.append(lad_rows)
    parts.append(_combined_authority_rows(lad_rows))
    areas = pd.concat([p for p in parts if len(p)], ignore_index=True)
    areas["geometry_display_wkb"] = None
    for level, rows in areas.groupby("level"):
        geometry = gpd.GeoSeries.from_wkb(list(rows["geometry_wkb"]), crs=WGS84)
        areas.loc[rows.index, "geometry_display_wkb"] = pd.Series(
            list(display_geometry(geometry, level)), index=rows.index
        )
    centroids = gpd.GeoSeries.from_wkb(list(areas["geometry_wkb"]), crs=WGS84)
    points = centroids.to_crs(BRITISH_NATIONAL_GRID).representative_point().to_crs(WGS84)
    areas["label_lon"] = points.x.round(DISPLAY_DECIMALS)
    areas["label_lat"] = points.y.round(DISPLAY_DECIMALS)
    return areas


def _combined_authority_of() -> dict[str, str]:
    return {lad: ca for ca, (_, lads) in COMBINED_AUTHORITIES.items() for lad in lads}


def _frame(gdf: gpd.GeoDataFrame, level: str, **columns) -> pd.DataFrame:
    out = pd.DataFrame(
        {"code": gdf["code"].to_numpy(), "name": gdf["name"].to_numpy(), "level": level}
    )
    for column in ("parent_code", "name_hcl", "msoa_code", "ward_code", "lad_code", "ca_code"):
        value = columns.get(column)
        out[column] = value.to_numpy() if isinstance(value, pd.Series) else value
    # The name people read: MSOAs by their Commons Library name, with the ONS name after it.
    hcl = out["name_hcl"].astype("string")
    out["display_name"] = (hcl + " (" + out["name"].astype("string") + ")").fillna(out["name"])
    out["geometry_source"] = columns.get("geometry_source", "boundary file")
    out["geometry_wkb"] = shapely.to_wkb(gdf.geometry.values)
    return out


def _lsoa_rows(lsoa_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    return _frame(
        lsoa_gdf,
        "lsoa",
        parent_code=lsoa_gdf["msoa_code"],
        msoa_code=lsoa_gdf["msoa_code"],
        ward_code=lsoa_gdf["ward_code"],
        lad_code=lsoa_gdf["lad_code"],
        ca_code=lsoa_gdf["ca_code"],
    )


def _most_common_parent(lsoa_gdf: gpd.GeoDataFrame, child: str, parent: str) -> pd.Series:
    return lsoa_gdf.groupby(child)[parent].agg(lambda values: values.mode().iloc[0])


def _msoa_rows(msoa, msoa_names, lsoa_gdf) -> pd.DataFrame:
    gdf = from_wkb(msoa)
    gdf = gdf[gdf["code"].isin(lsoa_gdf["msoa_code"])].reset_index(drop=True)
    lad = gdf["code"].map(_most_common_parent(lsoa_gdf, "msoa_code", "lad_code"))
    hcl = None
    if msoa_names is not None:
        hcl = gdf["code"].map(msoa_names.set_index("msoa21cd")["msoa21_hcl_name"])
    return _frame(
        gdf,
        "msoa",
        parent_code=lad,
        name_hcl=hcl,
        msoa_code=gdf["code"],
        lad_code=lad,
        ca_code=lad.map(_combined_authority_of()),
    )


def _dissolve(lsoa_gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    merged = lsoa_gdf[[by, "geometry"]].dissolve(by=by).reset_index()
    return merged.rename(columns={by: "code"})


def _boundaries_or_union(
    boundaries: pd.DataFrame | None, lsoa_gdf: gpd.GeoDataFrame, code_column: str, names: pd.Series
) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """The areas of `code_column` that contain loaded LSOAs, from their boundary file; an
    area with no boundary of that vintage is drawn as the union of its LSOAs. Returns the
    areas and, per area, where its geometry came from."""
    wanted = sorted(set(lsoa_gdf[code_column]))
    if boundaries is not None:
        gdf = from_wkb(boundaries)
        gdf = gdf[gdf["code"].isin(wanted)].reset_index(drop=True)
    else:
        gdf = gpd.GeoDataFrame(columns=["code", "name", "geometry"], geometry="geometry", crs=WGS84)
    missing = set(wanted) - set(gdf["code"])
    if missing:
        extra = _dissolve(lsoa_gdf[lsoa_gdf[code_column].isin(missing)], code_column)
        extra["name"] = extra["code"].map(names)
        gdf = pd.concat([gdf, extra], ignore_index=True)
    source = gdf["code"].map(lambda c: "union of LSOAs" if c in missing else "boundary file")
    return gdf, source


def _ward_rows(wards, lookup, lsoa_gdf) -> pd.DataFrame:
    names = lookup.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    gdf, source = _boundaries_or_union(wards, lsoa_gdf, "ward_code", names)
    lad = gdf["code"].map(_most_common_parent(lsoa_gdf, "ward_code", "lad_code"))
    return _frame(
        gdf,
        "ward",
        parent_code=lad,
        ward_code=gdf["code"],
        lad_code=lad,
        ca_code=lad.map(_combined_authority_of()),
        geometry_source=source.to_numpy(),
    )


def _district_rows(districts, lookup, lsoa_gdf) -> pd.DataFrame:
    names = lookup.drop_duplicates("lad_code").set_index("lad_code")["lad_name"]
    gdf, source = _boundaries_or_union(districts, lsoa_gdf, "lad_code", names)
    ca = gdf["code"].map(_combined_authority_of())
    return _frame(
        gdf,
        "lad",
        parent_code=ca,
        lad_code=gdf["code"],
        ca_code=ca,
        geometry_source=source.to_numpy(),
    )


def _combined_authority_rows(lad_rows: pd.DataFrame) -> pd.DataFrame:
    rows = lad_rows.dropna(subset=["ca_code"])
    if rows.empty:
        return rows
    gdf = from_wkb(rows[["ca_code", "geometry_wkb"]].rename(columns={"ca_code": "code"}))
    merged = gdf.dissolve(by="code").reset_index()
    merged["name"] = merged["code"].map(lambda code: COMBINED_AUTHORITIES[code][0])
    return _frame(merged, "ca", ca_code=merged["code"], geometry_source="union of districts")


def place_points(x: pd.Series, y: pd.Series, crs: int, lsoa_areas: pd.DataFrame) -> pd.DataFrame:
    """The LSOA 2021 each point falls in, and how it was placed.

    placement: 'inside'; 'nearest within 100 m' (points on slivers between generalised
    boundaries); 'outside loaded areas'; or 'no coordinates'. Nothing is dropped.
    """
    result = pd.DataFrame(
        {
            "lsoa21cd": pd.Series(pd.NA, index=x.index, dtype="string"),
            "placement": "no coordinates",
        },
        index=x.index,
    )
    has_point = x.notna() & y.notna()
    if not has_point.any():
        return result
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(x[has_point], y[has_point]), index=x.index[has_point], crs=crs
    ).to_crs(BRITISH_NATIONAL_GRID)
    polygons = from_wkb(lsoa_areas[["code", "geometry_wkb"]]).to_crs(BRITISH_NATIONAL_GRID)
    inside = gpd.sjoin(points, polygons, how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    found = inside["code"].notna()
    result.loc[inside.index[found], "lsoa21cd"] = inside.loc[found, "code"]
    result.loc[inside.index[found], "placement"] = "inside"
    outside = points.loc[inside.index[~found]]
    if len(outside):
        near = gpd.sjoin_nearest(outside, polygons, how="left", max_distance=NEAREST_LSOA_MAX_M)
        near = near[~near.index.duplicated(keep="first")]
        close = near["code"].notna()
        result.loc[near.index[close], "lsoa21cd"] = near.loc[close, "code"]
        result.loc[near.index[close], "placement"] = f"nearest within {NEAREST_LSOA_MAX_M} m"
        result.loc[near.index[~close], "placement"] = "outside loaded areas"
    return result


def postcode_weighted_centres(
    lsoa_areas: pd.DataFrame, postcodes: pd.DataFrame | None
) -> pd.DataFrame:
    """Each LSOA's centre for distances, in British National Grid metres.

    The mean of the Code-Point Open postcodes placed in the LSOA (postcodes with no
    coordinates have no LSOA), so the centre sits where addresses are rather than at an
    arbitrary interior point; an LSOA with no postcode falls back to its interior point.
    `centre_basis` says which, `postcodes` how many were averaged.
    """
    polygons = from_wkb(lsoa_areas[["code", "geometry_wkb"]]).to_crs(BRITISH_NATIONAL_GRID)
    interior = polygons.representative_point()
    centres = pd.DataFrame(
        {
            "area_code": polygons["code"].astype("string").to_numpy(),
            "easting": interior.x.to_numpy(),
            "northing": interior.y.to_numpy(),
            "centre_basis": "interior point (no postcode)",
            "postcodes": 0,
        }
    )
    if postcodes is None:
        return centres
    located = postcodes.dropna(subset=["lsoa21cd", "easting", "northing"])
    means = located.groupby("lsoa21cd").agg(
        easting=("easting", "mean"), northing=("northing", "mean"), postcodes=("easting", "size")
    )
    has_postcodes = centres["area_code"].isin(means.index).to_numpy()
    codes = centres.loc[has_postcodes, "area_code"]
    for column in ("easting", "northing", "postcodes"):
        centres.loc[has_postcodes, column] = codes.map(means[column]).to_numpy()
    centres.loc[has_postcodes, "centre_basis"] = "mean of postcodes"
    return centres
