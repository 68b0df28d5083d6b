"""The catalogue of measures the loaded data support, and indicators built from it: the
same numbers as the hand-written SQL indicators for the same measure, at every level."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import pytest

from arp import catalogue, indicators
from arp.framework import load_framework
from arp.framework_versions import Document, load

FRAMEWORK = load_framework()


def catalogue_built(con, key: str, like: str):
    """An indicator built from catalogue measure `key` with the words and judgement of the
    shipped indicator `like`, in a framework as a facilitator's edit would save it."""
    measure = next(m for m in catalogue.measures(con) if m.key == key)
    shipped = FRAMEWORK.indicators[like]
    fields = catalogue.indicator_fields(
        measure,
        title=shipped.title,
        domain=shipped.domain,
        description=shipped.description,
        kind=shipped.kind,
        polarity=shipped.polarity,
        caveats=shipped.caveats,
    )
    fields["levels"] = list(shipped.levels)
    if "interval" in fields and shipped.interval != fields["interval"]:
        fields["interval"] = shipped.interval
    document = Document({d: {"title": "x"} for d in FRAMEWORK.domains}, {f"built_{like}": fields})
    return load(document).indicators[f"built_{like}"]


def values(con, indicator) -> pd.DataFrame:
    codes = indicators.area_codes_by_level(con)
    frame = indicators.compute(con, indicator, codes)
    return frame.drop(columns="indicator_id").sort_values(["level", "area_code"])


@pytest.mark.parametrize(
    ("key", "like"),
    [
        ("census_share:TS045:lsoa:No cars or vans in household", "no_car"),
        ("service_distance:gp_practice", "distance_gp"),
        ("services_per_10k:gp_practice", "gp_practices_per_10k"),
    ],
)
def test_a_catalogue_built_indicator_equals_the_hand_written_one(fixture_db, key, like):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        built = catalogue_built(con, key, like)
        assert built.catalogue
        assert not (built.query_dir / f"{built.query}.sql").exists()
        ours = values(con, built).reset_index(drop=True)
        theirs = values(con, FRAMEWORK.indicators[like]).reset_index(drop=True)
    assert len(ours) == len(theirs) > 0
    assert set(ours["level"]) == set(FRAMEWORK.indicators[like].levels) | (
        {"country"} if FRAMEWORK.indicators[like].coverage == "england" else set()
    )
    pd.testing.assert_frame_equal(ours, theirs)
    # real numbers, not an empty agreement: some values, some suppressed or ranked
    assert ours["value"].notna().sum() > 3
    assert ours["percentile_wmca"].notna().sum() > 3


def test_the_catalogue_lists_every_loaded_census_category_with_its_denominator(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        found = catalogue.measures(con)
        categories = con.execute(
            "select count(*) from (select distinct table_id, level, category from census_counts "
            "where category <> 'Total')"
        ).fetchone()[0]
    census = [m for m in found if m.family == "census_share"]
    assert len(census) == categories
    no_car = next(m for m in census if m.spec["category"] == "No cars or vans in household")
    assert no_car.label.startswith("TS045 (Car or van availability")
    assert no_car.label.endswith("÷ all households")
    kinds = {m.spec.get("service_type") for m in found if m.family == "service_distance"}
    assert {"gp_practice", "pharmacy", "library"} <= kinds


def test_the_catalogue_is_searched_by_words_in_any_order(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        found = catalogue.measures(con)
    hits = catalogue.search(found, "CARS ts045 no")
    assert [m.key for m in hits] == ["census_share:TS045:lsoa:No cars or vans in household"]
    assert {m.family for m in catalogue.search(found, "pharmacy")} == {
        "service_distance",
        "services_per_10k",
    }
    assert catalogue.search(found, "nothing like this") == []


def test_a_definition_is_bound_never_run_as_sql(fixture_db):
    hostile = {
        "family": "census_share",
        "table": "TS045'; drop table census_counts; --",
        "level": "lsoa",
        "category": "x') or 1=1 --",
    }
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        assert len(catalogue.base_values(con, hostile)) == 0
        assert con.execute("select count(*) from census_counts").fetchone()[0] > 0
    with pytest.raises(catalogue.CatalogueError, match="needs service_type"):
        catalogue.base_values(None, {"family": "service_distance"})


def test_the_app_recomputes_only_indicators_defined_otherwise_than_built(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        built = con.execute("select * from indicator_status").df()
        assert indicators.needs_runtime(FRAMEWORK, built) == []
        flipped = dataclasses.replace(FRAMEWORK.indicators["no_car"], polarity="higher_is_better")
        changed = dataclasses.replace(
            FRAMEWORK, indicators={**FRAMEWORK.indicators, "no_car": flipped}
        )
        assert indicators.needs_runtime(changed, built) == [flipped]
        frame, statuses = indicators.runtime_values(con, [flipped])
        stored = con.execute(
            "select area_code, worse_percentile_wmca from indicator_values "
            "where indicator_id = 'no_car' and level = 'lsoa' and in_area order by 1"
        ).df()
    assert statuses[0].status == "computed"
    mine = frame[(frame["level"] == "lsoa") & frame["in_area"]].sort_values("area_code")
    # the same values, ranked the other way round
    np.testing.assert_allclose(
        mine["worse_percentile_wmca"].to_numpy() + stored["worse_percentile_wmca"].to_numpy(),
        np.full(len(stored), 100.0),
        atol=100.0 / max(len(stored) - 1, 1) + 1e-9,
    )


def test_arp_exports_a_catalogue_built_indicator_saying_its_framework_version(
    fixture_db, tmp_path, capsys, monkeypatch
):
    from arp import cli
    from arp import framework_versions as fv

    store = tmp_path / "workshop.sqlite3"
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(store))
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        measure = next(m for m in catalogue.measures(con) if m.key.startswith("census_share:TS045"))
    fields = catalogue.indicator_fields(measure, title="Built in the room", domain="housing")
    fv.edit(
        store,
        [fv.Edit("add_indicator", "room_built", fields)],
        based_on=1,
        by="Amina",
        reason="the room asked",
    )
    out = tmp_path / "map.svg"
    arguments = ["export", "map", "--indicator", "room_built", "--level", "ward"]
    assert cli.main([*arguments, "--out", str(out), "--db", str(fixture_db)]) == 0
    assert "(framework version 2)" in capsys.readouterr().out
    svg = out.read_text(encoding="utf-8")
    assert "Built in the room" in svg
    assert "Framework version 2." in svg
    assert "fw=2" in svg
    # pinned to the seed, the indicator does not exist
    assert (
        cli.main(
            [*arguments, "--out", str(out), "--db", str(fixture_db), "--framework-version", "1"]
        )
        == 2
    )


def test_arp_score_bakes_a_stored_version_in_so_nothing_is_computed_at_runtime(
    fixture_db, tmp_path, capsys, monkeypatch
):
    import shutil

    from arp import cli
    from arp import framework_versions as fv

    store = tmp_path / "workshop.sqlite3"
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(store))
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    with duckdb.connect(str(database), read_only=True) as con:
        measure = next(m for m in catalogue.measures(con) if m.key == "service_distance:library")
    fields = catalogue.indicator_fields(measure, title="Library distance", domain="access")
    version = fv.edit(
        store, [fv.Edit("add_indicator", "library_km", fields)], based_on=1, by=None, reason="x"
    )
    assert cli.main(["score", "--db", str(database), "--framework-version", "2"]) == 0
    assert "Scored framework version 2" in capsys.readouterr().out
    with duckdb.connect(str(database), read_only=True) as con:
        built = con.execute("select * from indicator_status").df()
        assert indicators.needs_runtime(version.framework(), built) == []
        assert indicators.needs_runtime(FRAMEWORK, built) == []  # the seed's, unchanged
        stored = con.execute(
            "select count(value) from indicator_values where indicator_id = 'library_km'"
        ).fetchone()[0]
        expected, _ = indicators.runtime_values(con, [version.framework().indicators["library_km"]])
    assert stored == expected["value"].notna().sum() > 0
