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
