"""How much a composite depends on its weights, on the map, the profile and the Framework
page, through AppTest on the fixture database (four LSOAs; access and policing scored).
With four areas no one is ever in a worst tenth (the one rule needs ten), which the pages
must say plainly; the numbers they show are checked against arp.weighting directly."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

from arp import composites, map_views, maps, robustness, settings, weighting, workshop
from arp.framework import load_framework
from arp.workshop import Scenario

HOSTILE = "**Room** [dots](https://example.com) :material/warning:"
ROOM = Scenario(HOSTILE, domain_weights={"access": 3.0, "policing": 0.5})


@pytest.fixture
def open_page(app_with, fixture_db):
    def start(page=None, **params):
        return app_with(fixture_db, page=page, **params)

    return start


@pytest.fixture
def inputs(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        return composites.composite_inputs(con, load_framework(), "lsoa")


def test_composite_table_and_tooltips_say_how_much_the_weights_matter(open_page, inputs):
    at = open_page(show="overall")
    table = at.dataframe[0].value.set_index("Code")
    never = "Not in the worst 10% under any of the plausible weightings drawn"
    assert table["Under other weightings"].tolist() == [never] * 4
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    tooltips = maps.tooltip_texts(spec, spec["areas"]["labels"])
    assert all(never in lines for lines in tooltips)
    expected = weighting.counts_in_words(
        weighting.robustness_of(inputs, load_framework(), Scenario("Equal weights")), "LSOAs"
    )
    assert expected == (
        "0 LSOAs are in the worst 10% under at least 90% of plausible weightings; 0 depend "
        "on the weights (in it under 10% to 90% of them)."
    )
    assert any("0 LSOAs are in the worst 10%" in c.value for c in at.caption)


def test_the_map_colours_by_robustness_in_four_fixed_classes(open_page):
    at = open_page(show="overall")
    (first,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    at.radio(key="map_colour_by").set_value("robustness").run()
    assert not at.exception
    assert at.title[0].value == (
        "Overall composite score: how much the worst 10% depends on the weights"
    )
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    labels = [label for _colour, label in spec["legend"]["rows"]]
    assert labels[:4] == [robustness.category_label(c) for c in robustness.CATEGORY_ORDER]
    table = at.dataframe[0].value.set_index("Code")
    assert (
        table["Value (% of plausible weightings with the area in the worst 10%)"].tolist()
        == [0.0] * 4
    )
    # the score stays in the table and the tooltip
    assert table["Score"].notna().all()
    tooltips = maps.tooltip_texts(spec, first["areas"]["labels"])  # names came once
    assert tooltips[0][3].startswith("Score under these weights:")
    # an indicator has no robustness choice
    at.selectbox(key="map_show").set_value("no_car").run()
    assert not at.exception
    assert "Colour the composite by" not in [r.label for r in at.radio]


def test_scenario_against_scenario_with_a_hostile_name_shown_as_text(open_page, inputs):
    workshop.save_scenario(settings.workshop_database_path(), ROOM)
    at = open_page(show="overall", scenario=HOSTILE)
    assert not at.exception
    at.selectbox(key="compare_scenario").set_value(workshop.EQUAL_WEIGHTS).run()
    frame = weighting.compare(
        inputs, load_framework(), Scenario(workshop.EQUAL_WEIGHTS), ROOM, "overall"
    )
    summary = robustness.comparison_summary(frame, "these weights", "LSOAs")
    texts = [m.value for m in at.markdown]
    (line,) = [t for t in texts if t.startswith("From ")]
    assert "`**Room** [dots](https://example.com)" in line  # a code span: never Markdown
    assert line.endswith(summary)
    shown = at.dataframe[-1].value.set_index("Code")
    assert shown["Rank with these weights"].to_dict() == frame["rank_b"].to_dict()
    assert shown["Moved towards the worst by"].to_dict() == frame["shift"].to_dict()
    # the caption under the table names the scenario as text too
    assert any(
        c.value.startswith("Weights: `**Room**") and "0 LSOAs" in c.value for c in at.caption
    )


def test_profile_says_the_rank_band_and_how_sure(open_page, inputs):
    at = open_page("pages/area_profile.py", area="E01000901")
    checked = weighting.robustness_of(inputs, load_framework(), Scenario("Equal weights"))
    row = checked.frame.loc["E01000901"]
    (line,) = [m.value for m in at.markdown if m.value.startswith("Overall composite score")]
    assert f"rank {int(row['rank'])} of 4 LSOAs" in line
    assert robustness.band_words(row).split(" (")[0] in line


def test_framework_page_shows_robustness_influence_correlations_and_burdens(open_page, inputs):
    at = open_page("pages/framework.py")
    assert not at.exception
    assert "How much the answer depends on the weights" in [h.value for h in at.header]
    texts = [m.value for m in at.markdown]
    assert any("Paruolo, Saisana and Saltelli (2013)" in t for t in texts)
    assert any(t.startswith("Overall composite: 0 LSOAs are in the worst 10%") for t in texts)
    influence = next(d.value for d in at.dataframe if "Effective influence (%)" in d.value.columns)
    expected = weighting.influence_of(inputs, load_framework(), Scenario("current"))
    assert len(influence) == len(expected)
    assert influence["Nominal weight (%)"].sum() == pytest.approx(100, abs=0.5)
    # moving a slider moves the nominal weights: policing's indicator has no value anywhere
    # here, so access keeps all of it whatever its weight
    at.number_input(key="burden_count").set_value(1).run()
    counts = weighting.flagged_on_at_least(inputs, load_framework(), 1)
    sentence = f"{int(counts['at_least'].sum())} of 4 LSOAs are in the worst 10% on at least 1"
    assert any(t.startswith(sentence) for t in [m.value for m in at.markdown])


def test_the_map_colours_by_rank_change_from_another_scenario(open_page, inputs):
    at = open_page(show="overall")
    assert "shift" not in at.radio(key="map_colour_by").options  # one scenario: nothing to compare
    workshop.save_scenario(settings.workshop_database_path(), ROOM)
    at = open_page(show="overall", scenario=HOSTILE)
    (first,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    at.radio(key="map_colour_by").set_value("shift").run()
    at.selectbox(key="map_compared_with").set_value(workshop.EQUAL_WEIGHTS).run()
    assert not at.exception
    assert at.title[0].value == "Overall composite score: rank change from another scenario"
    frame = weighting.compare(
        inputs, load_framework(), Scenario(workshop.EQUAL_WEIGHTS), ROOM, "overall"
    )
    table = at.dataframe[0].value.set_index("Code")
    assert table["Rank under these weights"].to_dict() == frame["rank_b"].to_dict()
    assert table["Rank under the other scenario"].to_dict() == frame["rank_a"].to_dict()
    (spec,) = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    tooltips = maps.tooltip_texts(spec, first["areas"]["labels"])
    code = tooltips[0][1]
    assert tooltips[0][2] == (
        f"Rank {frame.loc[code, 'rank_b']} under these weights, {frame.loc[code, 'rank_a']} "
        "under Equal weights"
    )
    assert tooltips[0][3] == map_views.shift_words(frame.loc[code, "shift"])
    # A signed change, coloured about no change: red nearer the worst, blue further from it.
    assert [colour for colour, _label in spec["legend"]["rows"]] == maps.DIVERGING
    assert spec["legend"]["unit"].endswith("red = nearer the worst, blue = further from it")
    side = {-1: (0, 1), 0: (2,), 1: (3, 4)}  # the classes further, unchanged, nearer
    for lines, shown in zip(tooltips, spec["view"]["classes"], strict=True):
        assert shown in side[int(np.sign(frame.loc[lines[1], "shift"]))]
    assert any(c.value.startswith("Coloured by the rank change from `Equal") for c in at.caption)


def test_the_colouring_travels_in_the_link(open_page):
    at = open_page(show="overall", colour="robustness")
    assert at.radio(key="map_colour_by").value == "robustness"  # opened as the link says
    assert at.title[0].value.endswith("how much the worst 10% depends on the weights")
    at.radio(key="map_colour_by").set_value("score").run()
    assert "colour" not in at.query_params  # the default stays out of the link
    at.radio(key="map_colour_by").set_value("robustness").run()
    assert at.query_params["colour"] in ("robustness", ["robustness"])
