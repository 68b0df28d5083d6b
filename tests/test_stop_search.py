"""Stop and search by ethnic group: the Home Office convention (self-defined ethnicity for
the headline, the officer's observation only as a sensitivity) and disclosure control.

Database: the shared fixtures plus tests/fixtures/stop_search/2024-02-...csv (invented rows
in the police.uk layout). With the 5 rows of the 2024-01 fixture, searches are:

  E01000901 (ward E05000901, Birmingham): Black 2 (2011-style label) + 10 (2021-style);
      Asian 11 "Asian/Asian British - Pakistani" + 1 "Asian, Asian British or Asian Welsh -
      Indian"; 3 with no self-defined ethnicity, officer "Asian"; Other 4 "- Arab" + 1
      "- Any other ethnic group"; 2 "Other ethnic group - Not stated".
  E01000904 (ward E05000903, Solihull): White 1 + 11 "White - Roma".
  Not placed: 1 officer "Asian" (self blank), 1 with neither.
No self-defined label maps to Mixed or Multiple ethnic groups.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from arp import cli, gaps, scoring
from arp.build import build
from tests.conftest import FIXTURE_SOURCE_IDS, FIXTURE_SOURCES_DIR

MORE = Path(__file__).parent / "fixtures" / "stop_search"
ASIAN = "Asian, Asian British or Asian Welsh"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
MIXED = "Mixed or Multiple ethnic groups"
OTHER = "Other ethnic group"
FEW = f"fewer than {scoring.SUPPRESS_NUMERATOR_BELOW} counted"
OFFICER = gaps.SENSITIVITY


@pytest.fixture(scope="module")
def more_db(tmp_path_factory) -> Path:
    sources = tmp_path_factory.mktemp("stop_search_sources") / "sources"
    shutil.copytree(FIXTURE_SOURCES_DIR, sources)
    for path in MORE.glob("*.csv"):
        shutil.copy(path, sources / "police" / path.name)
    database = sources.parent / "arp.duckdb"
    build(database, source_dir=sources, only=FIXTURE_SOURCE_IDS)
    return database


@pytest.fixture(scope="module")
def con(more_db):
    with duckdb.connect(str(more_db), read_only=True) as connection:
        yield connection


def table_for(con, code):
    return gaps.stop_search_disproportionality(con, code).set_index("ethnic_group")


def test_police_uk_labels_2011_and_2021_style_map_to_census_groups(con):
    mapped = dict(
        con.execute(
            "select distinct self_defined_ethnicity, ethnic_group from stop_search_ethnicity"
        ).fetchall()
    )
    assert mapped["Black, Black British, Black Welsh, Caribbean or African - African"] == BLACK
    assert mapped["Black/African/Caribbean/Black British - Caribbean"] == BLACK
    assert mapped["Asian, Asian British or Asian Welsh - Indian"] == ASIAN
    assert mapped["White - Roma"] == "White"
    assert mapped["Other ethnic group - Arab"] == OTHER
    assert mapped["Other ethnic group - Any other ethnic group"] == OTHER
    assert mapped["Other ethnic group - Not stated"] is None  # not an ethnicity
    assert mapped[None] is None


def test_headline_counts_self_defined_only_and_sensitivity_adds_the_officer_view(con):
    table = table_for(con, "E47000007")
    assert table.loc[ASIAN, "searches"] == 12
    assert table.loc[ASIAN, f"searches_{OFFICER}"] == 16  # + 3 placed, + 1 unplaced
    white_rate = 12 / 3840
    assert table.loc[ASIAN, "ratio_to_white"] == pytest.approx((12 / 950) / white_rate)
    assert table.loc[ASIAN, f"ratio_to_white_{OFFICER}"] == pytest.approx((16 / 950) / white_rate)
    assert table.loc[BLACK, "rate_per_1000"] == pytest.approx(12 / 470 * 1000)
    assert table.loc["White", "ratio_to_white"] == 1.0
    # No self-defined ethnicity: 1 + 1 (2024-01), 3 + 2 (2024-02), 7 in all: fewer than 10.
    # With the officer's view: only the 2 "Not stated" and the 1 with neither remain.
    not_stated = table.loc[gaps.NOT_STATED]
    assert np.isnan(not_stated["searches"])
    assert not_stated["suppression_reason"] == FEW
    assert np.isnan(not_stated[f"searches_{OFFICER}"])
    assert table.loc["All residents", "searches"] == 48  # every row still counted
    assert table.loc["All residents", f"searches_{OFFICER}"] == 48


def test_a_district_counts_only_searches_placed_there(con):
    # The one unplaced officer-observed Asian search belongs to the force area only.
    assert table_for(con, "E08000025").loc[ASIAN, f"searches_{OFFICER}"] == 15
    assert table_for(con, "E47000007").loc[ASIAN, f"searches_{OFFICER}"] == 16
    assert table_for(con, "E08000029").loc["White", "searches"] == 12


def test_a_group_with_no_self_defined_category_is_not_available_not_zero(con, fixture_db):
    table = table_for(con, "E47000007")
    assert np.isnan(table.loc[MIXED, "searches"])
    assert np.isnan(table.loc[MIXED, "ratio_to_white"])
    assert table.loc[MIXED, "suppression_reason"] == gaps.NOT_AVAILABLE
    # Availability belongs to the data loaded, not to the area: Other has a self-defined
    # label (in Birmingham), so in Solihull's ward with no Other search it is a small count.
    ward = table_for(con, "E05000903")
    assert ward.loc[OTHER, "suppression_reason"] == FEW
    assert ward.loc[MIXED, "suppression_reason"] == gaps.NOT_AVAILABLE
    # The 2024-01 fixture alone has no self-defined Asian label: its one Asian search
    # (officer-observed) counts only in the sensitivity.
    with duckdb.connect(str(fixture_db), read_only=True) as small:
        alone = table_for(small, "E47000007")
    assert alone.loc[ASIAN, "suppression_reason"] == gaps.NOT_AVAILABLE
    assert alone.loc[ASIAN, f"suppression_reason_{OFFICER}"] == FEW
    shown = gaps.stop_search_display(alone.reset_index()).set_index("Ethnic group")
    assert shown.loc[ASIAN, "Searches"] == "not available"
    assert shown.loc[ASIAN, "Searches (incl. officer-observed)"] == "fewer than 10"


def test_fewer_than_ten_searches_withholds_count_rate_and_ratio(con):
    table = table_for(con, "E47000007")
    other = table.loc[OTHER]  # 5 searches
    assert other["suppression_reason"] == FEW
    for column in ("searches", "rate_per_1000", "ratio_to_white", "ratio_ci_low"):
        assert np.isnan(other[column]), column
    shown = gaps.stop_search_display(table.reset_index()).set_index("Ethnic group")
    assert shown.loc[OTHER, "Searches"] == "fewer than 10"
    assert shown.loc[OTHER, "Per 1,000"] == shown.loc[OTHER, "Ratio to White"] == ""
    assert shown.loc[BLACK, "Searches"] == "12"


def test_a_white_reference_under_ten_withholds_every_ratio(con):
    # Birmingham: 12 Black and 12 Asian searches, no White one.
    table = table_for(con, "E08000025")
    assert table.loc[BLACK, "rate_per_1000"] == pytest.approx(12 / 350 * 1000)
    assert table["ratio_to_white"].isna().all()
    assert table[f"ratio_to_white_{OFFICER}"].isna().all()
    assert table.loc[BLACK, "suppression_reason"] == f"ratio withheld: White reference {FEW}"
    assert table.loc["White", "suppression_reason"] == FEW


def test_rates_from_counts_follow_the_suppression_rule():
    residents = pd.Series({"White": 1000, "Black": 40, "Asian": 500, "Total": 1540})
    counts = pd.Series({"White": 10, "Black": 20, "Asian": 9, gaps.NOT_STATED: 3})
    table = gaps.stop_search_rates(
        counts, counts, residents, {"White", "Black", "Asian"}, {"White", "Black", "Asian"}
    ).set_index("ethnic_group")
    assert table.loc["White", "rate_per_1000"] == 10.0  # 10 is enough
    # 20 searches among 40 residents: the count is shown, the rate is not.
    assert table.loc["Black", "searches"] == 20
    assert np.isnan(table.loc["Black", "rate_per_1000"])
    assert table.loc["Black", "suppression_reason"] == "denominator under 50"
    assert np.isnan(table.loc["Asian", "searches"])
    assert table.loc["All residents", "searches"] == 42


def test_a_lone_withheld_count_takes_the_smallest_other_count_with_it():
    # Shown, the total (12 + 30 + 3 + 40 = 85) minus the others would give Asian's 3 back.
    residents = pd.Series({"White": 1000, "Black": 400, "Asian": 500, "Total": 1900})
    counts = pd.Series({"White": 40, "Black": 12, "Asian": 3, gaps.NOT_STATED: 30})
    groups = {"White", "Black", "Asian"}
    table = gaps.stop_search_rates(counts, counts, residents, groups, groups)
    table = table.set_index("ethnic_group")
    assert np.isnan(table.loc["Asian", "searches"])
    assert np.isnan(table.loc["Black", "searches"])  # the smallest count still shown
    assert np.isnan(table.loc["Black", "rate_per_1000"])  # rate x residents = count
    assert np.isnan(table.loc["Black", "ratio_to_white"])
    assert table.loc["Black", "suppression_reason"] == gaps.COMPLEMENTARY_REASON
    assert table.loc["White", "searches"] == 40
    assert table.loc["All residents", "searches"] == 85
    shown = gaps.stop_search_display(table.reset_index()).set_index("Ethnic group")
    assert shown.loc["Black", "Searches"] == "withheld"
    assert shown.loc["Asian", "Searches"] == "fewer than 10"
    # Two withheld counts cannot be told apart from the total: nothing more is withheld.
    counts["Black"] = 5
    two = gaps.stop_search_rates(counts, counts, residents, groups, groups)
    assert two.set_index("ethnic_group").loc["White", "searches"] == 40


def rates_on_few_searches(out: str) -> list[str]:
    """Rows of `arp stop-search --format csv` output whose headline or sensitivity count
    is under 10 but which still carry a rate or ratio."""
    table = pd.read_csv(io.StringIO(out))
    bad = []
    for suffix in ("", f"_{OFFICER}"):
        few = table[f"searches{suffix}"].isna() | (table[f"searches{suffix}"] < 10)
        shown = table[[f"rate_per_1000{suffix}", f"ratio_to_white{suffix}"]].notna().any(axis=1)
        bad += [f"{r.area_code} {r.ethnic_group}{suffix}" for r in table[few & shown].itertuples()]
    return bad


def test_cli_by_ward_shows_no_rate_on_fewer_than_ten_searches(more_db, capsys):
    assert cli.main(["stop-search", "--by", "ward", "--format", "csv", "--db", str(more_db)]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(io.StringIO(out))
    assert set(table["area_code"]) == {"E05000901", "E05000902", "E05000903"}
    assert rates_on_few_searches(out) == []
    assert (table["suppression_reason"] == FEW).sum() > 0
    # The counts under 10 are not printed either: no searches value below 10 at all.
    assert (table["searches"].dropna() >= 10).all()
    # For people, the table format says "fewer than 10".
    assert cli.main(["stop-search", "--by", "ward", "--db", str(more_db)]) == 0
    text = capsys.readouterr().out
    assert "fewer than 10" in text
    assert "not available" in text
