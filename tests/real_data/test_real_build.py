"""Invariants of a full build from the official files (ARP_TEST_SOURCE_DIR, default
../shared/data). Expected numbers come from the files' SOURCES.md and ONS publications."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.real_data

WMCA_DISTRICTS = {
    "E08000025": 659,  # Birmingham: LSOAs per district, from the ONS lookup
    "E08000026": 203,
    "E08000027": 203,
    "E08000028": 190,
    "E08000029": 134,
    "E08000030": 169,
    "E08000031": 161,
}


@pytest.fixture(scope="module")
def con(real_db):
    with duckdb.connect(str(real_db), read_only=True) as connection:
        yield connection


def one(con, sql, **params):
    return con.execute(sql, params).fetchone()[0]


def test_area_counts(con):
    counts = dict(con.execute("select level, count(*) from areas group by level").fetchall())
    assert counts == {"lsoa": 1719, "msoa": 357, "ward": 192, "lad": 7, "ca": 1}
    per_district = dict(
        con.execute(
            "select lad_code, count(*) from areas where level = 'lsoa' group by 1"
        ).fetchall()
    )
    assert per_district == WMCA_DISTRICTS


def test_every_msoa_has_a_commons_library_name(con):
    assert (
        one(con, "select count(*) from areas where level = 'msoa' and name_hcl is not null") == 357
    )


def test_every_area_has_boundary_geometry_from_a_boundary_file(con):
    sources = dict(
        con.execute("select level, min(geometry_source) from areas group by 1").fetchall()
    )
    assert sources == {
        "lsoa": "boundary file",
        "msoa": "boundary file",
        "ward": "boundary file",
        "lad": "boundary file",
        "ca": "union of districts",
    }


def test_birmingham_lsoa_census_totals_match_the_published_district_total(con):
    lsoa_sum = one(
        con,
        """select sum(c.count) from census_counts c
           join areas a on a.code = c.area_code and a.level = 'lsoa'
           where c.table_id = 'TS021' and c.category = 'Total' and a.lad_code = 'E08000025'""",
    )
    district = one(
        con,
        "select count from census_counts where table_id = 'TS007' and category = 'Total' "
        "and area_code = 'E08000025'",
    )
    assert lsoa_sum == 1_144_941
    assert district == 1_144_916
    # ONS perturbs each geography's cells independently, so small areas never sum exactly
    # to the district; both round to the published 1,144,900.
    assert round(lsoa_sum, -2) == round(district, -2) == 1_144_900
    assert (
        one(
            con,
            "select residents from population_by_ethnicity where area_code = 'E08000025' "
            "and ethnic_group = 'Total'",
        )
        == lsoa_sum
    )


def test_every_lsoa_broad_group_sums_to_its_total(con):
    mismatches = one(
        con,
        """select count(*) from (
             select area_code, sum(residents) filter (where group_level = 'broad') as groups,
                    max(residents) filter (where group_level = 'total') as total
             from population_by_ethnicity where level = 'lsoa' group by area_code)
           where groups <> total""",
    )
    assert mismatches == 0


def test_every_stop_and_search_row_is_accounted_for(con):
    published = one(con, "select sum(rows) from sources where source_id = 'stop_search_wmp'")
    assert published == 27_759
    placements = dict(
        con.execute("select placement, count(*) from stop_search_events group by 1").fetchall()
    )
    assert sum(placements.values()) == published
    assert placements["inside"] > 27_000
    assert set(placements) <= {
        "inside",
        "nearest within 100 m",
        "outside loaded areas",
        "no coordinates",
    }


def test_every_active_wmca_gp_practice_is_placed_in_an_lsoa(con):
    by_district = dict(
        con.execute(
            """select p.admin_district_code, count(*) from services s
               join postcodes p using (postcode_key)
               where s.service_type = 'gp_practice'
                 and p.admin_district_code in (select code from areas where level = 'lad')
               group by 1"""
        ).fetchall()
    )
    # SOURCES.md: 397 active RO76 practices with WMCA postcodes, by district.
    assert by_district == {
        "E08000025": 158,
        "E08000026": 50,
        "E08000027": 43,
        "E08000028": 45,
        "E08000029": 20,
        "E08000030": 50,
        "E08000031": 31,
    }
    unplaced = one(
        con,
        """select count(*) from services s join postcodes p using (postcode_key)
           where s.service_type = 'gp_practice'
             and p.admin_district_code in (select code from areas where level = 'lad')
             and s.lsoa21cd is null""",
    )
    assert unplaced == 0


def test_imd_2025_deciles_for_wmca_match_the_published_distribution(con):
    deciles = dict(
        con.execute(
            """select cast(decile as int), count(*) from deprivation_by_lsoa d
               join areas a on a.code = d.lsoa21cd and a.level = 'lsoa'
               where edition = 'IoD2025' and domain = 'imd' group by 1"""
        ).fetchall()
    )
    assert deciles == {
        1: 466,
        2: 302,
        3: 183,
        4: 139,
        5: 122,
        6: 115,
        7: 101,
        8: 89,
        9: 90,
        10: 112,
    }
    assert one(
        con,
        "select score from deprivation_by_lsoa where lsoa21cd = 'E01000001' and edition = 'IoD2025' "
        "and domain = 'imd'",
    ) == pytest.approx(8.742)


def test_iod2019_is_mapped_to_lsoa_2021_or_says_why_not(con):
    reasons = dict(
        con.execute(
            """select mapping, count(distinct lsoa21cd) from deprivation_by_lsoa d
               join areas a on a.code = d.lsoa21cd and a.level = 'lsoa'
               where edition = 'IoD2019' group by 1"""
        ).fetchall()
    )
    assert sum(reasons.values()) == 1719
    assert reasons["unchanged since 2011"] > 1600


def test_life_expectancy_is_on_msoa_2021_or_says_why_not(con):
    mapped = dict(
        con.execute(
            """select mapping, count(*) from life_expectancy_by_msoa l
               join areas a on a.code = l.msoa21cd and a.level = 'msoa'
               where sex = 'Persons' group by 1"""
        ).fetchall()
    )
    assert sum(mapped.values()) == 357
    assert mapped["same area as MSOA 2011"] >= 340


def test_imd_exposure_by_broad_group_in_birmingham(con):
    from arp import gaps
    from arp.framework import load_framework

    table = gaps.exposure(con, load_framework().indicators["imd_score_2025"], "E08000025")
    means = table.set_index("ethnic_group")["mean_value"].round(1).to_dict()
    assert means == {
        "All residents": 38.2,
        "White": 31.7,
        "Asian, Asian British or Asian Welsh": 44.7,
        "Black, Black British, Black Welsh, Caribbean or African": 46.1,
        "Mixed or Multiple ethnic groups": 39.2,
        "Other ethnic group": 43.4,
    }
    # The all-residents exposure is the district's resident-weighted IMD score, up to the
    # perturbation between TS021 (the exposure's weights) and TS001 (the indicator's).
    district = one(
        con,
        "select value from indicator_values where indicator_id = 'imd_score_2025' "
        "and area_code = 'E08000025'",
    )
    assert table.set_index("ethnic_group").loc["All residents", "mean_value"] == pytest.approx(
        district, rel=1e-4
    )


def test_stop_search_rates_and_ratios_for_the_force(con):
    from arp import gaps

    table = gaps.stop_search_disproportionality(con, "E47000007").set_index("ethnic_group")
    black = table.loc["Black, Black British, Black Welsh, Caribbean or African"]
    assert black["searches"] == 3797
    assert round(black["rate_per_1000"], 1) == 16.1
    assert round(table.loc["White", "rate_per_1000"], 2) == 5.56
    assert (
        round(black["ratio_to_white"], 2),
        round(black["ratio_ci_low"], 2),
        round(black["ratio_ci_high"], 2),
    ) == (2.89, 2.79, 3.0)
    # No self-defined ethnicity: 4,441 blank + 2,295 "Other ethnic group - Not stated".
    assert table.loc[gaps.NOT_STATED, "searches"] == 6736
    assert table.loc[gaps.NOT_STATED, "searches_incl_officer_observed"] == 5493
    assert table.loc["All residents", "searches"] == 27_759  # every row accounted for


def test_stop_search_asian_ratio_headline_self_defined_and_sensitivity(con):
    from arp import gaps

    asian = gaps.stop_search_disproportionality(con, "E47000007").loc[0]
    assert asian["ethnic_group"] == "Asian, Asian British or Asian Welsh"
    # Headline (self-defined only) against the sensitivity adding the 1,243 searches where
    # only the officer recorded an ethnicity (all of them "Asian").
    assert (asian["searches"], asian["searches_incl_officer_observed"]) == (5266, 6509)
    assert (
        round(asian["ratio_to_white"], 2),
        round(asian["ratio_ci_low"], 2),
        round(asian["ratio_ci_high"], 2),
    ) == (1.42, 1.37, 1.47)
    assert (
        round(asian["ratio_to_white_incl_officer_observed"], 2),
        round(asian["ratio_ci_low_incl_officer_observed"], 2),
        round(asian["ratio_ci_high_incl_officer_observed"], 2),
    ) == (1.75, 1.70, 1.81)


def test_stop_search_other_ethnic_group_has_no_self_defined_category(con):
    from arp import gaps

    labels = {
        row[0]
        for row in con.execute(
            "select distinct self_defined_ethnicity from stop_search_ethnicity"
        ).fetchall()
    }
    assert {label for label in labels if label and label.startswith("Other")} == {
        "Other ethnic group - Not stated"
    }
    other = gaps.stop_search_disproportionality(con, "E47000007").set_index("ethnic_group")
    assert other.loc["Other ethnic group", "suppression_reason"] == gaps.NOT_AVAILABLE


@pytest.mark.parametrize("by", ["ward", "lad"])
def test_stop_search_cli_shows_no_rate_on_fewer_than_ten_searches(real_db, capsys, by):
    import io

    import pandas as pd

    from arp import cli
    from tests.test_stop_search import rates_on_few_searches

    assert cli.main(["stop-search", "--by", by, "--format", "csv", "--db", str(real_db)]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(io.StringIO(out))
    assert table["area_code"].nunique() == {"ward": 192, "lad": 7}[by]
    assert rates_on_few_searches(out) == []
    assert (table["searches"].dropna() >= 10).all()
    if by == "ward":  # e.g. Small Heath: 6 and 8 searches before, now withheld
        small_heath = table[table["area_code"] == "E05011167"].set_index("ethnic_group")
        assert small_heath.loc["White", "suppression_reason"] == "fewer than 10 counted"
        assert small_heath["ratio_to_white"].isna().all()


def test_every_mapped_area_has_a_value_or_a_reason(con):
    # For every computed indicator and level, each area in the map has a value, or is
    # suppressed with a reason; none is silently missing.
    silent = one(
        con,
        """select count(*) from indicator_values
           where in_area and value is null and not suppressed""",
    )
    per_indicator = dict(
        con.execute(
            """select indicator_id, count(*) from indicator_values
               where in_area and value is null and not suppressed group by 1"""
        ).fetchall()
    )
    # IoD2019 domains have no value for the one merged LSOA; life expectancy for the MSOAs
    # redrawn in 2021. Both record why in deprivation_by_lsoa / life_expectancy_by_msoa.
    assert set(per_indicator) <= {"life_expectancy"}
    assert silent == sum(per_indicator.values())


def test_flagged_areas_sit_at_or_above_the_threshold(con):
    worst_unflagged = one(
        con,
        """select count(*) from indicator_values
           where in_area and flag_worst10_wmca and worse_percentile_wmca < 50""",
    )
    assert worst_unflagged == 0


def test_exports_render_for_the_real_data(con, tmp_path):
    import matplotlib.image
    from pypdf import PdfReader

    from arp import exports, view_state
    from arp.framework import load_framework
    from arp.workshop import Scenario

    framework = load_framework()
    png = tmp_path / "wmca.png"
    exports.render_map(
        con,
        framework,
        view_state.ViewState(show="imd_score_2025"),
        Scenario("Equal weights"),
        png,
        "slide",
    )
    assert matplotlib.image.imread(png).shape[:2] == (1080, 1920)
    pdf = tmp_path / "birmingham.pdf"
    document = exports.render_profile(con, framework, "E08000025", pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "Birmingham" in text
    # Each domain's rows together (the framework lists some IoD2025 scores after others).
    domains = [row.domain for row in document.rows]
    runs = [d for n, d in enumerate(domains) if n == 0 or domains[n - 1] != d]
    assert len(runs) == len(set(runs))
    assert "Index of Multiple Deprivation score (IoD2025)" in text
    assert "English Indices of Deprivation, MHCLG" in text.replace("\n", " ")


def test_located_libraries_are_open_static_public_libraries(con):
    types = dict(
        con.execute(
            """select lower(library_type), count(*) from services
               where service_type = 'library' and location_from is not null group by 1"""
        ).fetchall()
    )
    assert set(types) == {"static library"}
    assert one(con, "select count(*) from services where status = 'closed'") == 0


def test_wmca_libraries_and_pharmacies_in_scope_and_left_out(con):
    def in_wmca(table):
        return dict(
            con.execute(
                f"""select coalesce(s.excluded_because, 'in scope'), count(*) from {table} s
                    join postcodes p using (postcode_key)
                    where p.lsoa21cd in (select code from areas where level = 'lsoa')
                      and s.status in ('open', 'active')
                    group by 1"""
            ).fetchall()
        )

    # Before the filter: 135 libraries with no closed year, 645 active pharmacies.
    assert in_wmca("src_libraries") == {
        "in scope": 128,
        "mobile library": 3,
        "archive": 2,
        "prison library": 1,
        "local history library": 1,
    }
    assert in_wmca("src_pharmacies") == {
        "in scope": 637,
        "dispensing appliance contractor": 5,
        "distance-selling (by name)": 3,
    }


def test_distances_are_measured_from_postcode_centres(con):
    assert one(
        con, "select count(*) from lsoa_centres where centre_basis = 'mean of postcodes'"
    ) == (1719)
    # Every located service has grid coordinates, so none is missed by the distance.
    assert (
        one(
            con,
            "select count(*) from services where latitude is not null and easting is null",
        )
        == 0
    )
    # Before: the interior (label) point on a 6,371 km sphere. The postcode centre moves
    # the nearest-GP distance by 54 m in the median LSOA and by 1.42 km at most.
    change = con.execute(
        """with before as (
             select l.code as area_code, min(2 * 6371 * asin(sqrt(
                 power(sin(radians(s.latitude - l.label_lat) / 2), 2)
                 + cos(radians(l.label_lat)) * cos(radians(s.latitude))
                 * power(sin(radians(s.longitude - l.label_lon) / 2), 2)))) as km
             from areas l cross join services s
             where l.level = 'lsoa' and s.service_type = 'gp_practice'
               and s.latitude is not null
             group by 1)
           select median(abs(a.km - b.km)), max(abs(a.km - b.km))
           from nearest_service_km('gp_practice') a join before b using (area_code)"""
    ).fetchone()
    assert [round(km, 3) for km in change] == [0.054, 1.422]


def test_life_expectancy_provenance_says_what_the_file_holds(con):
    # The file name says England; its Welsh MSOAs (W02) make the title's "and Wales".
    welsh = one(
        con,
        "select count(distinct msoa11cd) from src_life_expectancy_msoa11 where msoa11cd like 'W02%'",
    )
    assert welsh == 410
    title, publisher, notes = con.execute(
        "select title, publisher, notes from sources where source_id = 'life_expectancy_msoa11'"
    ).fetchone()
    assert "England and Wales" in title
    # Issued by the council's public health team (request REQ3292), which publishes it;
    # the workbook itself names no issuer, and the notes say so.
    assert publisher == "Birmingham City Council Public Health (request REQ3292)"
    assert "names no issuer" in notes


def test_with_the_5_group_lsoa_file_provided_gaps_say_so(con, tmp_path):
    # The shared folder has LSOA Ethnicity.csv (5 broad groups) and not the Nomis bulk
    # census2021-ts021-lsoa.csv: detailed groups fall back to MSOA and every note says why.
    from pypdf import PdfReader

    from arp import exports, gaps
    from arp.framework import load_framework

    framework = load_framework()
    lsoa_detailed = one(
        con,
        "select count(*) from population_by_ethnicity where level = 'lsoa' "
        "and group_level = 'detailed'",
    )
    assert lsoa_detailed == 0
    imd = framework.indicators["imd_score_2025"]
    detailed = gaps.exposure(con, imd, "E08000025", "detailed")
    assert detailed.attrs["level"] == "msoa"
    note = detailed.attrs["note"]
    assert "the file provided has only the 5 broad groups at LSOA" in note
    assert "MSOA averages hide differences within each MSOA" in note
    assert "does not publish" not in note
    broad = gaps.exposure(con, imd, "E08000025")
    assert (
        "White British cannot be the reference here: the file provided has only the 5 broad"
        in (broad.attrs["note"])
    )
    pdf = tmp_path / "birmingham.pdf"
    exports.render_profile(con, framework, "E08000025", pdf)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(pdf)).pages).split())
    assert "the file provided has only the 5 broad groups at LSOA" in text


def test_wards_use_the_2024_lookup_the_staged_files_provide(con):
    # The staged files have no 2025 ward lookup, so the 2024 one (same ward codes) is used.
    used = con.execute("select distinct lookup_source_id, ward_year from ward_lookup").fetchall()
    assert used == [("lsoa21_ward24_lookup", 2024)]
