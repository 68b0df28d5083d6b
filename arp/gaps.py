"""Gaps between ethnic groups: population-weighted exposure, and stop-and-search
disproportionality. Reads the database; the arithmetic is in arp.scoring."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from arp import db, scoring
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
    facts = db.query(con, "area_facts", code=code)
    if facts.empty:
        raise GapError(f"no area with code {code!r} in the database")
    return str(facts["level"].iloc[0])


def _base_within(con, level: str, within: str) -> list[str]:
    """Codes of `level` areas inside `within` (or `within` itself if it is of that level)."""
    return db.query(con, "areas_inside_named", within=within, level=level)["code"].tolist()


def _has_level(indicator: Indicator, level: str) -> bool:
    return level in indicator.levels or indicator.base_level == level


def detailed_counts_at_lsoa(con: duckdb.DuckDBPyConnection, within: str) -> bool:
    """Whether every LSOA in `within` has the detailed Census categories (the Nomis bulk file
    census2021-ts021-lsoa.csv provides them; a 5-group export does not)."""
    counts = db.query(con, "lsoas_with_detailed_groups", within=within).iloc[0]
    return bool(counts["lsoas"]) and counts["with_detailed_groups"] == counts["lsoas"]


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
    values = db.query(
        con,
        "values_inside",
        indicator=indicator.id,
        level=base_level,
        within=within,
        multiplier=indicator.multiplier,
    )
    if values["value"].notna().sum() == 0:
        raise GapError(f"{indicator.title} has no values in {within}")
    group_level = "broad" if detail == "broad" else "detailed"
    people = db.query(
        con, "residents_by_group_inside", within=within, level=base_level, group_level=group_level
    )
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


NOT_STATED = "Ethnicity not stated by the person"
NOT_AVAILABLE = "not available: no self-defined ethnicity in the data loaded maps to this group"
FEWER_THAN = f"fewer than {scoring.SUPPRESS_NUMERATOR_BELOW}"
SENSITIVITY = "incl_officer_observed"  # suffix of the sensitivity columns


def stop_search_disproportionality(con: duckdb.DuckDBPyConnection, within: str) -> pd.DataFrame:
    """Searches per 1,000 residents of each Census broad ethnic group, and the rate ratio to
    White residents with its 95% interval, by the Home Office convention: the headline counts
    the person's self-defined ethnicity only, and searches where the person stated none are
    a row of their own. Beside it, a sensitivity (`*_incl_officer_observed`) counts the
    officer's observation where the person stated none. For the combined authority (the
    force area) searches that could not be placed in an LSOA are counted too.

    Disclosure control is applied here, so no surface can show small numbers: see
    `stop_search_rates`."""
    level = area_level(con, within)
    include_unplaced = level == "ca"
    searches = db.query(con, "stop_search_groups", within=within, include_unplaced=include_unplaced)
    # Whether a group can be counted at all is a property of the data loaded, not of the area.
    in_data = db.query(con, "stop_search_groups_in_data")
    available = set(in_data.loc[in_data["basis"] == "self-defined", "broad_group"])
    available_sensitivity = set(in_data["broad_group"])
    people = db.query(con, "broad_residents", code=within).set_index("ethnic_group")["residents"]
    headline = searches.groupby(searches["ethnic_group"].fillna(NOT_STATED))["searches"].sum()
    sensitivity = searches.groupby(searches["sensitivity_group"].fillna(NOT_STATED))[
        "searches"
    ].sum()
    table = stop_search_rates(headline, sensitivity, people, available, available_sensitivity)
    table.attrs["note"] = (
        f"Searches over the {stop_search_period(con)} loaded, per 1,000 residents (Census "
        "2021). "
        "Headline: ethnicity as the person defined it (the Home Office convention); searches "
        f"where the person stated none are counted in '{NOT_STATED}'. Columns ending "
        f"'{SENSITIVITY}' are a sensitivity: they add the officer's observation where the "
        f"person stated none. Counts under {scoring.SUPPRESS_NUMERATOR_BELOW} are shown as "
        f"'{FEWER_THAN}' and no rate or ratio rests on them (nor a ratio on a White count under "
        f"{scoring.SUPPRESS_NUMERATOR_BELOW})."
        + (" Includes searches that could not be placed in an LSOA." if include_unplaced else "")
    )
    return table


def stop_search_rates(
    headline: pd.Series,
    sensitivity: pd.Series,
    residents: pd.Series,
    available: set[str],
    available_sensitivity: set[str],
) -> pd.DataFrame:
    """The stop-and-search table from counts, with disclosure control applied once.

    `headline` and `sensitivity`: searches by group (index: broad group names and
    NOT_STATED). `residents`: Census residents by broad group plus ALL_RESIDENTS ('Total').
    `available`: groups that some self-defined label in the data loaded maps to; any other
    group's headline is not available (NaN with a reason), never 0. `available_sensitivity`:
    the same for the sensitivity (self-defined or officer-observed labels).

    A count under scoring.SUPPRESS_NUMERATOR_BELOW is withheld (NaN) with the reason
    scoring.suppression_reason gives, and so are its rate, ratio and interval; a rate on
    fewer than scoring.SUPPRESS_DENOMINATOR_BELOW residents is withheld too. Ratios are
    withheld when the White reference is. Each withheld value has its reason in
    `suppression_reason` (headline) or `suppression_reason_incl_officer_observed`.
    """
    groups = [g for g in residents.index if g != ALL_RESIDENTS]
    columns = {}
    for suffix, counts, present in (
        ("", headline, available),
        (f"_{SENSITIVITY}", sensitivity, available_sensitivity),
    ):
        rows = []
        for group in [*groups, NOT_STATED, "All residents"]:
            if group == "All residents":
                count, people = float(counts.sum()), residents.get(ALL_RESIDENTS, np.nan)
            else:
                count = float(counts.get(group, 0))
                people = residents.get(group, np.nan) if group != NOT_STATED else np.nan
            rows.append((group, count, people))
        frame = pd.DataFrame(rows, columns=["ethnic_group", "searches", "residents"])
        frame["rate_per_1000"] = frame["searches"] / frame["residents"] * 1000
        reason = scoring.suppression_reason(frame["searches"], frame["residents"])
        missing = frame["ethnic_group"].isin(groups) & ~frame["ethnic_group"].isin(present)
        reason[missing] = NOT_AVAILABLE
        withheld = reason.notna()
        count_withheld = withheld & (
            (frame["searches"] < scoring.SUPPRESS_NUMERATOR_BELOW) | (reason == NOT_AVAILABLE)
        )
        complement = complementary_suppression(frame, count_withheld & (reason != NOT_AVAILABLE))
        reason[complement] = COMPLEMENTARY_REASON
        withheld |= complement
        count_withheld |= complement
        is_white = frame["ethnic_group"] == WHITE
        white_ok = bool((is_white & ~withheld).any())
        white = frame[is_white].iloc[0] if is_white.any() else None
        ratio, low, high = scoring.rate_ratio_interval(
            frame["searches"],
            frame["residents"],
            np.nan if white is None else white["searches"],
            np.nan if white is None else white["residents"],
        )
        ratio = pd.Series(ratio, index=frame.index).where(frame["ethnic_group"].isin(groups))
        ratio[is_white] = 1.0  # the reference: 1 by definition, with no interval
        low = pd.Series(low, index=frame.index).where(ratio.notna() & ~is_white)
        high = pd.Series(high, index=frame.index).where(ratio.notna() & ~is_white)
        ratio_withheld = withheld | (not white_ok)
        if not white_ok:
            white_reason = reason[is_white].iloc[0] if white is not None else "no White count"
            reason = reason.mask(
                frame["ethnic_group"].isin(groups) & reason.isna(),
                f"ratio withheld: White reference {white_reason}",
            )
        frame.loc[count_withheld, "searches"] = np.nan
        frame.loc[withheld, "rate_per_1000"] = np.nan
        for name, values in (("ratio_to_white", ratio), ("ratio_ci_low", low)):
            frame[name] = values.mask(ratio_withheld)
        frame["ratio_ci_high"] = high.mask(ratio_withheld)
        frame["suppression_reason"] = reason
        if suffix == "":
            columns["ethnic_group"] = frame["ethnic_group"]
            columns["residents"] = frame["residents"]
        for name in (
            "searches",
            "rate_per_1000",
            "ratio_to_white",
            "ratio_ci_low",
            "ratio_ci_high",
            "suppression_reason",
        ):
            columns[f"{name}{suffix}"] = frame[name]
    return pd.DataFrame(columns)


COMPLEMENTARY_REASON = "withheld so that a smaller withheld count cannot be worked out"


def complementary_suppression(frame: pd.DataFrame, withheld: pd.Series) -> pd.Series:
    """The one further count to withhold so that a lone withheld count cannot be recovered
    by subtracting the others from the total shown: when exactly one group's count is
    withheld, the smallest count still shown is withheld too (with its rate and ratio,
    which would give the count back from the residents)."""
    counted = frame["ethnic_group"] != "All residents"
    extra = pd.Series(False, index=frame.index)
    if int((withheld & counted).sum()) != 1:
        return extra
    shown = frame.loc[counted & ~withheld, "searches"]
    if len(shown):
        extra[shown.idxmin()] = True
    return extra


def stop_search_period(con: duckdb.DuckDBPyConnection) -> str:
    """The months of police data loaded, in words ("13 months, September 2023 to
    September 2024"), read from the data so no surface writes it by hand."""
    first, last, months = db.query(con, "stop_search_period").iloc[0]
    if not months:
        return "no months loaded"
    words = [pd.Timestamp(f"{m}-01").strftime("%B %Y") for m in (first, last)]
    span = words[0] if first == last else f"{words[0]} to {words[1]}"
    return f"{months} month{'s' if months != 1 else ''}, {span}"


def stop_search_display(table: pd.DataFrame) -> pd.DataFrame:
    """`stop_search_disproportionality` as text for people: withheld counts read
    'fewer than 10', groups with no self-defined category 'not available', other withheld
    values are blank beside their reason."""
    shown = pd.DataFrame({"Ethnic group": table["ethnic_group"]})
    shown["Residents"] = table["residents"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    for suffix, label in (("", ""), (f"_{SENSITIVITY}", " (incl. officer-observed)")):
        reason = table[f"suppression_reason{suffix}"]
        count = table[f"searches{suffix}"]
        shown[f"Searches{label}"] = [
            f"{c:,.0f}"
            if not pd.isna(c)
            else {NOT_AVAILABLE: "not available", COMPLEMENTARY_REASON: "withheld"}.get(
                r, FEWER_THAN
            )
            for c, r in zip(count, reason, strict=True)
        ]
        shown[f"Per 1,000{label}"] = table[f"rate_per_1000{suffix}"].map(_number)
        ratio = table[f"ratio_to_white{suffix}"].map(_number)
        low = table[f"ratio_ci_low{suffix}"]
        high = table[f"ratio_ci_high{suffix}"]
        shown[f"Ratio to White{label}"] = [
            text + ("" if pd.isna(lo) else f" ({lo:.2f} to {hi:.2f})")
            for text, lo, hi in zip(ratio, low, high, strict=True)
        ]
        shown[f"Why withheld{label}"] = reason.fillna("").astype(str)
    shown.attrs = dict(table.attrs)
    if "note" in shown.attrs:  # the note names the columns as they are shown here
        shown.attrs["note"] = shown.attrs["note"].replace(
            f"Columns ending '{SENSITIVITY}'", "Columns marked '(incl. officer-observed)'"
        )
    return shown


def _number(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.2f}"


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
    children = db.query(con, "areas_inside_named", within=within, level=by).itertuples(
        index=False, name=None
    )
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
