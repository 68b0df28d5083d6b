"""Gaps between ethnic groups: population-weighted exposure, and stop-and-search
disproportionality. Reads the database; the arithmetic is in arp.scoring."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from arp import scoring
from arp.framework import Framework, Indicator

WHITE = "White"
WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
ALL_RESIDENTS = "Total"
ONLY_BROAD_AT_LSOA = "the file provided has only the 5 broad groups at LSOA"
MSOA_CAVEAT = "MSOA averages hide differences within each MSOA, so gaps look smaller than at LSOA."


def exposure_note(
    level: str, detail: str, why_msoa: str = "", detailed_at_lsoa: bool = False
) -> str:
    """What every gaps output says about itself: the level, the groups, the reference and,
    for MSOA values, why MSOA and what that hides. The one wording pages, CLI and exports show
    (as the table's attrs['note'])."""
    if detail == "broad":
        note = "LSOA level, Census 2021 broad groups. Reference: White (all White groups)."
        if detailed_at_lsoa:
            return (
                f"{note} The 19 detailed groups, with White British as reference, are also loaded."
            )
        return (
            f"{note} White British cannot be the reference here: {ONLY_BROAD_AT_LSOA} "
            "(the Census publishes all 20 categories at LSOA, in census2021-ts021-lsoa.csv)."
        )
    note = f"{level.upper()} level, Census 2021 detailed groups. Reference: White British."
    if level == "msoa":
        note += f" MSOA values because {why_msoa}. {MSOA_CAVEAT}"
    return note


class GapError(ValueError):
    """A gap cannot be computed for this indicator or area; the message says why."""


def area_level(con: duckdb.DuckDBPyConnection, code: str) -> str:
    row = con.execute("select level from areas where code = $code", {"code": code}).fetchone()
    if row is None:
        raise GapError(f"no area with code {code!r} in the database")
    return row[0]


def _base_within(con, level: str, within: str) -> list[str]:
    """Codes of `level` areas inside `within` (or `within` itself if it is of that level)."""
    return [
        row[0]
        for row in con.execute(
            """select code from areas where level = $level and $within in
               (code, msoa_code, ward_code, lad_code, ca_code)""",
            {"level": level, "within": within},
        ).fetchall()
    ]


def _has_level(indicator: Indicator, level: str) -> bool:
    return level in indicator.levels or indicator.base_level == level


def detailed_counts_at_lsoa(con: duckdb.DuckDBPyConnection, within: str) -> bool:
    """Whether every LSOA in `within` has the detailed Census categories (the Nomis bulk file
    census2021-ts021-lsoa.csv provides them; a 5-group export does not)."""
    codes = _base_within(con, "lsoa", within)
    if not codes:
        return False
    with_detail = con.execute(
        """select count(distinct area_code) from population_by_ethnicity
           where level = 'lsoa' and group_level = 'detailed'
             and area_code in (select unnest($codes))""",
        {"codes": codes},
    ).fetchone()[0]
    return with_detail == len(codes)


def detailed_level(
    con: duckdb.DuckDBPyConnection, indicator: Indicator, within: str
) -> tuple[str, str]:
    """The level the 19 detailed groups are computed at inside `within`, and why, if MSOA:
    LSOA where the indicator has LSOA values and the detailed LSOA counts are loaded."""
    if not _has_level(indicator, "lsoa"):
        return "msoa", f"{indicator.title} has no LSOA values"
    if not detailed_counts_at_lsoa(con, within):
        return "msoa", ONLY_BROAD_AT_LSOA
    return "lsoa", ""


def exposure(
    con: duckdb.DuckDBPyConnection, indicator: Indicator, within: str, detail: str = "broad"
) -> pd.DataFrame:
    """Average value of `indicator` experienced by residents of each ethnic group in `within`.

    detail='broad': LSOA values weighted by the 5 broad groups, White as reference.
    detail='detailed': the 19 detailed groups, White British as reference, on LSOA values
    where the detailed LSOA counts are loaded, else on MSOA values (see `detailed_level`).
    attrs: 'reference_group', 'level' (of the values weighted) and 'note' (what to show).
    Uses the unsuppressed value (numerator / denominator): the result is an average over
    many areas and discloses no small count.
    """
    area_level(con, within)
    why_msoa = ""
    if detail == "broad":
        base_level = "lsoa"
    else:
        base_level, why_msoa = detailed_level(con, indicator, within)
    if not _has_level(indicator, base_level):
        raise GapError(f"{indicator.title} has no values at {base_level.upper()} level")
    codes = _base_within(con, base_level, within)
    if not codes:
        raise GapError(f"{within} contains no {base_level.upper()}s")
    values = con.execute(
        """select area_code,
                  coalesce(value, numerator / nullif(denominator, 0) * $multiplier) as value
           from indicator_values
           where indicator_id = $indicator and level = $level and area_code in (select unnest($codes))""",
        {
            "indicator": indicator.id,
            "level": base_level,
            "codes": codes,
            "multiplier": indicator.multiplier,
        },
    ).df()
    if values["value"].notna().sum() == 0:
        raise GapError(f"{indicator.title} has no values in {within}")
    group_level = "broad" if detail == "broad" else "detailed"
    people = con.execute(
        """select area_code, ethnic_group, residents from population_by_ethnicity
           where level = $level and group_level in ($group_level, 'total')
             and area_code in (select unnest($codes))""",
        {"level": base_level, "group_level": group_level, "codes": codes},
    ).df()
    residents = people.pivot_table(
        index="area_code", columns="ethnic_group", values="residents", aggfunc="sum"
    )
    reference = WHITE if detail == "broad" else WHITE_BRITISH
    table = scoring.exposure(residents, values.set_index("area_code")["value"], reference)
    table = table.reset_index()
    table["ethnic_group"] = table["ethnic_group"].replace({ALL_RESIDENTS: "All residents"})
    order = {"All residents": 0, reference: 1}
    table = table.sort_values(
        "ethnic_group", key=lambda s: s.map(lambda g: (order.get(g, 2), g))
    ).reset_index(drop=True)
    table.attrs["reference_group"] = reference
    table.attrs["level"] = base_level
    table.attrs["note"] = exposure_note(
        base_level,
        detail,
        why_msoa,
        detailed_at_lsoa=detail == "broad" and detailed_counts_at_lsoa(con, within),
    )
    return table


def stop_search_disproportionality(con: duckdb.DuckDBPyConnection, within: str) -> pd.DataFrame:
    """Searches per 1,000 residents of each Census broad ethnic group, and the rate ratio to
    White residents with its 95% interval. Searches with no ethnicity recorded are a row of
    their own. For the combined authority (the force area) searches that could not be placed
    in an LSOA are counted too."""
    level = area_level(con, within)
    lsoas = _base_within(con, "lsoa", within)
    include_unplaced = level == "ca"
    searches = con.execute(
        """select coalesce(ethnic_group, 'Not recorded') as ethnic_group, ethnicity_basis,
                  count(*) as searches
           from stop_search_ethnicity
           where lsoa21cd in (select unnest($lsoas)) or ($include_unplaced and lsoa21cd is null)
           group by all""",
        {"lsoas": lsoas, "include_unplaced": include_unplaced},
    ).df()
    people = (
        con.execute(
            """select ethnic_group, residents from population_by_ethnicity
           where area_code = $within and group_level in ('broad', 'total')""",
            {"within": within},
        )
        .df()
        .set_index("ethnic_group")["residents"]
    )
    by_group = searches.pivot_table(
        index="ethnic_group",
        columns="ethnicity_basis",
        values="searches",
        aggfunc="sum",
        fill_value=0,
    )
    for basis in ("self-defined", "officer-defined", "not recorded"):
        if basis not in by_group:
            by_group[basis] = 0
    by_group["searches"] = by_group.sum(axis=1)
    groups = [g for g in people.index if g != ALL_RESIDENTS]
    rows = []
    white_searches = by_group["searches"].get(WHITE, 0)
    for group in [*groups, "Not recorded", "All residents"]:
        if group == "All residents":
            count, residents = by_group["searches"].sum(), people.get(ALL_RESIDENTS, np.nan)
        else:
            count = by_group["searches"].get(group, 0)
            residents = people.get(group, np.nan)
        rate = count / residents * 1000 if residents and group != "Not recorded" else np.nan
        ratio, low, high = (np.nan, np.nan, np.nan)
        if group == WHITE:  # the reference: its ratio is 1 by definition, with no interval
            ratio = 1.0
        elif group in groups:
            ratio, low, high = scoring.rate_ratio_interval(
                count, residents, white_searches, people.get(WHITE, np.nan)
            )
        rows.append(
            {
                "ethnic_group": group,
                "searches": int(count),
                "self_defined": _basis_count(by_group, "self-defined", group),
                "officer_defined": _basis_count(by_group, "officer-defined", group),
                "residents": residents if group != "Not recorded" else np.nan,
                "rate_per_1000": rate,
                "ratio_to_white": float(ratio),
                "ratio_ci_low": float(low),
                "ratio_ci_high": float(high),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["note"] = (
        "Searches over the 13 months of data loaded, per 1,000 residents (Census 2021). Ethnicity "
        "as the person defined it; where not stated, as the officer saw it."
        + (" Includes searches that could not be placed in an LSOA." if include_unplaced else "")
    )
    return table


def _basis_count(by_group: pd.DataFrame, basis: str, group: str) -> int:
    if group == "All residents":
        return int(by_group[basis].sum())
    return int(by_group[basis].get(group, 0))


def exposure_by_child(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    indicator_id: str,
    within: str,
    by: str,
    detail: str = "broad",
) -> pd.DataFrame:
    """`exposure` for each `by`-level area inside `within`, stacked, with its code and name."""
    indicator = framework.indicators[indicator_id]
    children = con.execute(
        """select code, name from areas where level = $by and $within in
           (code, msoa_code, ward_code, lad_code, ca_code) order by code""",
        {"by": by, "within": within},
    ).fetchall()
    frames = []
    for code, name in children:
        table = exposure(con, indicator, code, detail)
        table.insert(0, "area_name", name)
        table.insert(0, "area_code", code)
        frames.append(table)
    stacked = pd.concat(frames, ignore_index=True)
    notes = list(dict.fromkeys(frame.attrs["note"] for frame in frames))
    stacked.attrs = {**frames[0].attrs, "note": " ".join(notes)} if frames else {}
    return stacked
