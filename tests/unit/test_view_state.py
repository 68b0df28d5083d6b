"""The view in the URL: every field round-trips, and a bad value falls back with a message."""

from __future__ import annotations

import pytest

from arp import view_state
from arp.framework import load_framework

AREAS = {"E01000901", "E01000904"}
WITHIN = ["E47000007", "E08000025"]


def parse(params):
    return view_state.parse_state(params, load_framework(), AREAS, WITHIN, ["Equal weights"])


def test_a_view_round_trips_through_its_link():
    state = view_state.ViewState(
        level="ward",
        within="E08000025",
        show="no_car",
        scheme="deciles",
        area="E01000901",
        compare=("E01000901", "E01000904"),
        compare_chart="no_car",
        present=True,
        map_position="52.48000,-1.89000,13",
        colour_by="shift",
        colour_other="Equal weights",
    )
    parsed, problems = parse(state.to_params())
    assert problems == []
    assert parsed == state


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52.48,-1.89,13", (52.48, -1.89, 13)),
        ("52.48,-1.89", None),
        ("52.48,-1.89,zoom", None),
        ("91,0,5", None),
        ("52,-181,5", None),
        ("52,-1,20", None),
        ("52,-1,12.5", None),
    ],
)
def test_a_map_view_in_a_link_is_read_only_when_it_makes_sense(text, expected):
    assert view_state.parse_map_position(text) == expected


def test_a_bad_map_view_falls_back_to_fitting_the_areas_with_a_message():
    parsed, problems = parse({"show": "no_car", "map": "<script>"})
    assert parsed.map_position is None
    assert [str(p) for p in problems] == [
        "'<script>' is not a valid map; showing the default instead."
    ]
    assert problems == [view_state.LinkProblem("map", "<script>")]


def test_a_long_bad_value_is_cut_where_it_is_shown():
    _, problems = parse({"level": "x" * 500})
    assert problems[0].value == "x" * 500
    assert problems[0].shown_value == "x" * view_state.SHOWN_VALUE_CHARACTERS + "…"


def test_a_chart_in_a_link_must_be_an_indicator():
    parsed, problems = parse({"chart": "no_car"})
    assert parsed.compare_chart == "no_car"
    parsed, problems = parse({"chart": "domain:health"})
    assert parsed.compare_chart is None
    assert problems == [view_state.LinkProblem("chart", "domain:health")]


def test_the_show_list_reads_in_domain_groups_with_full_titles():
    framework = load_framework()
    choices = view_state.show_choices(framework)
    labels = [choice.choice_label(framework) for choice in choices]
    assert labels[0] == "Overall composite score"
    assert len(choices) == 1 + len(framework.scored_domains) + len(framework.indicators)
    # Each domain's composite comes first in its group, then every indicator in it, whole.
    housing = labels.index("Housing: composite score")
    in_housing = framework.in_domain("housing")
    assert labels[housing + 1 : housing + 1 + len(in_housing)] == [
        f"Housing: {indicator.title}" for indicator in in_housing
    ]
    # A group is never split: once a domain's entries end, it does not come back.
    domains = [
        c.id if c.kind == "domain" else framework.indicators[c.id].domain for c in choices[1:]
    ]
    groups = [d for i, d in enumerate(domains) if i == 0 or domains[i - 1] != d]
    assert groups == list(framework.domains)
    # Context-only domains (who lives here) have indicators but no composite to show.
    assert "Who lives here: composite score" not in labels
    assert any(label.startswith("Who lives here: ") for label in labels)


def test_a_colouring_the_link_cannot_have_falls_back_with_a_message():
    parsed, problems = parse({"show": "overall", "colour": "rainbow", "vs": "No such weights"})
    assert (parsed.colour_by, parsed.colour_other) == ("score", None)
    assert [p.param for p in problems] == ["colour", "vs"]
    assert "colour" not in view_state.ViewState().to_params()  # the default stays out of links
