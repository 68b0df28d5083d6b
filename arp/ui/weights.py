"""Weights the room can trust, on the pages: the map coloured by how much its worst 10%
depends on the weights, one scenario against another, and on the Framework page the method,
effective influence, the correlation matrix and the count of burdens. Each function is
called with a line or two from its page."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from arp import influence, levels, map_views, method, robustness, weighting
from arp.map_views import MapView
from arp.ui import data, page_state, widgets
from arp.view_state import COLOURINGS, Show, ViewState
from arp.workshop import Scenario

REDUNDANT_SHOWN = 3  # pairs named in the warning; the rest under the correlation matrix
SCORE, ROBUSTNESS, SHIFT = COLOURINGS  # as a link spells them (?colour=)
COLOUR_CHOICES = {
    SCORE: "Its score",
    ROBUSTNESS: "How much its worst 10% depends on the weights",
    SHIFT: "Rank change from another scenario",
}


@dataclass(frozen=True)
class Colouring:
    """What a composite's map is coloured by; `other`: the scenario a shift is from."""

    by: str = SCORE
    other: str | None = None


def colour_by(show: Show, scenario_name: str, state: ViewState) -> Colouring:
    """The map's choice, for a composite: its score, its robustness, or its rank shift from
    another scenario (offered once there are two); it starts at the link's (`state`)."""
    if not show.is_composite:
        return Colouring()
    others = [s.name for s in data.scenarios() if s.name != scenario_name]
    choices = [SCORE, ROBUSTNESS, *([SHIFT] if others else [])]
    asked = state.colour_by if state.colour_by in choices else SCORE
    choice = st.radio(
        "Colour the composite by",
        choices,
        format_func=COLOUR_CHOICES.get,
        key=page_state.from_view("map_colour_by", asked, choices),
        help="How much its worst 10% depends on the weights: the share of 1,000 plausible "
        "weightings around these weights that put each area there (see the Framework page).",
    )
    if choice == SHIFT:
        other_asked = state.colour_other if state.colour_other in others else others[0]
        other = st.selectbox(
            "Compared with",
            others,
            key=page_state.from_view("map_compared_with", other_asked, others),
        )
        return Colouring(SHIFT, other)
    return Colouring(choice or SCORE)


def shown_view(view: MapView, colouring: Colouring, state: ViewState) -> MapView:
    if colouring.by == ROBUSTNESS and "worst_share" in view.frame:
        return map_views.robustness_view(view)
    if colouring.by == SHIFT and colouring.other and "worst_share" in view.frame:
        other = data.scenario_named(colouring.other)
        compared = weighting.compare(
            data.composite_inputs(state.level),
            data.framework(),
            other,
            data.scenario_named(state.scenario),
            weighting.target_of(state.show.kind, state.show.id),
        )
        return map_views.shift_view(view, compared, other.name)
    return view


def composite_notes(view: MapView, state: ViewState) -> None:
    """Under a composite's table: the weights' robustness in a sentence, and the expander
    comparing the scenario with another."""
    if not view.weights_note:
        return
    name = data.scenario_named(state.scenario).name
    prefix = f"Weights: {name}. "
    rest = view.weights_note.removeprefix(prefix)
    st.caption(f"Weights: {widgets.plain(name)}. {widgets.literal(rest)}")
    if "other_scenario" in view.frame:
        other = str(view.frame["other_scenario"].iloc[0])
        compared = view.frame.set_index("code")[["change", "shift"]]
        noun = levels.plural_noun(state.level)
        st.caption(
            f"Coloured by the rank change from {widgets.plain(other)}: "
            + widgets.literal(robustness.comparison_summary(compared, "these weights", noun))
        )
    with st.expander("Compare with another weighting scenario"):
        scenario_comparison(state)


def scenario_comparison(state: ViewState) -> None:
    options = data.scenarios()
    current = data.scenario_named(state.scenario)
    others = [s.name for s in options if s.name != current.name]
    if not others:
        st.caption("Only one scenario so far: save another on the Framework page to compare.")
        return
    other_name = st.selectbox("Compare these weights with", others, key="compare_scenario")
    other = data.scenario_named(other_name)
    target = weighting.target_of(state.show.kind, state.show.id)
    frame = weighting.compare(
        data.composite_inputs(state.level), data.framework(), other, current, target
    )
    noun = levels.plural_noun(state.level)
    # the names are user text: each on its own, as text
    st.markdown(
        f"From {widgets.plain(other.name)} to {widgets.plain(current.name)}: "
        + widgets.literal(robustness.comparison_summary(frame, "these weights", noun))
    )
    names = data.query("area_names", level=state.level).set_index("code")["name"]
    st.dataframe(comparison_table(frame, names), hide_index=True, width="stretch")


def comparison_table(frame: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Every area's rank under each scenario, movers into and out of the worst 10% first,
    then by how far the rank moved."""
    table = pd.DataFrame(
        {
            "Area": frame.index.map(names).fillna(""),
            "Code": frame.index,
            "Worst 10%": frame["change"],
            "Rank before": frame["rank_a"],
            "Rank with these weights": frame["rank_b"],
            "Moved towards the worst by": frame["shift"],
        }
    )
    order = (frame["change"] == "").astype(int).to_numpy() * 10**6 - frame["shift"].abs().fillna(
        0
    ).to_numpy()
    return table.iloc[order.argsort(kind="stable")]


# --- the Framework page -----------------------------------------------------------------


def framework_section(domain_weights: dict[str, float], level: str = "lsoa") -> None:
    """How much the composites depend on the weights set above: robustness in numbers, the
    method, influence beside nominal weight, redundancy, the count of burdens."""
    framework = data.framework()
    scenario = Scenario("the weights above", domain_weights=domain_weights)
    inputs = data.composite_inputs(level)
    st.header("How much the answer depends on the weights")
    noun = levels.plural_noun(level)
    for spread in ("plausible", "any"):
        checked = data.robustness_of(
            level, "overall", scenario, robustness.DrawSettings(spread=spread)
        )
        st.write(
            ("Overall composite: " if spread == "plausible" else "As an outer bound: ")
            + widgets.literal(weighting.counts_in_words(checked, noun))
        )
    st.markdown(method.WEIGHTS_TEXT)

    st.subheader("Nominal weight and effective influence")
    table = weighting.influence_of(inputs, framework, scenario)
    if table["eta2"].isna().all():
        st.caption(
            f"Too few {noun} to tell an indicator's influence from chance (at least "
            f"{2 * influence.AREAS_PER_GROUP} are needed): choose a smaller level."
        )
    st.dataframe(influence_table(table, framework), hide_index=True, width="stretch")
    warnings = weighting.redundancy_warnings(inputs, framework)
    if warnings:
        shown = " ".join(warnings[:REDUNDANT_SHOWN])
        more = len(warnings) - REDUNDANT_SHOWN
        if more > 0:
            shown += f" And {more} more pairs (below, with every correlation)."
        st.warning(widgets.literal(shown))
    with st.expander("Correlation between every pair of indicators"):
        st.caption(
            "Pearson correlation of the areas' positions (worse percentiles): 1 moves "
            "exactly together, 0 not at all, -1 in opposite directions."
        )
        titles = {i: framework.indicators[i].title for i in inputs.worse.columns}
        matrix = influence.correlation_matrix(inputs.worse).round(2)
        st.dataframe(matrix.rename(index=titles, columns=titles), width="stretch")
        if warnings:
            widgets.bullets([(warning, []) for warning in warnings])

    st.subheader("Burdens counted, not averaged")
    scored = int(inputs.worse.notna().any().sum())
    k = st.number_input(
        f"In the worst 10% on at least this many of the {scored} scored indicators",
        min_value=1,
        max_value=max(scored, 1),
        value=min(3, max(scored, 1)),
        step=1,
        key="burden_count",
    )
    counts = weighting.flagged_on_at_least(inputs, framework, int(k))
    st.write(
        widgets.literal(
            f"{int(counts['at_least'].sum()):,} of {len(counts):,} {noun} are in the worst 10% "
            f"on at least {int(k)} indicators, whatever the weights."
        )
    )


def influence_table(table: pd.DataFrame, framework) -> pd.DataFrame:
    titles = {d.id: d.title for d in framework.domains.values()}
    return pd.DataFrame(
        {
            "Indicator": table["title"],
            "Domain": table["domain"].map(titles),
            "Nominal weight (%)": (table["nominal"] * 100).round(1),
            "Effective influence (%)": (table["influence"] * 100).round(1),
            "Correlation ratio": table["eta2"].round(2),
            "Squared correlation": table["r2"].round(2),
        }
    ).sort_values("Effective influence (%)", ascending=False)


# --- the area profile -------------------------------------------------------------------


def profile_lines(code: str, level: str, scenario_name: str) -> None:
    """The area's overall composite under the scenario of the view, and how much its place
    in the worst 10% depends on the weights."""
    if level not in levels.MAPPED_LEVELS:
        return
    scenario = data.scenario_named(scenario_name)
    checked = data.robustness_of(level, "overall", scenario)
    if code not in checked.frame.index:
        return
    row = checked.frame.loc[code]
    if pd.isna(row["score"]):
        return
    ranked = int(checked.frame["score"].notna().sum())
    st.markdown(
        widgets.literal(
            f"Overall composite score: {row['score']:.0f} of 100, rank {int(row['rank'])} of "
            f"{ranked} {levels.plural_noun(level)}, with the weights"
        )
        + f" {widgets.plain(scenario.name)}. "
        + widgets.literal(
            f"{robustness.in_words(row['worst_share'], checked.settings)}. "
            f"{robustness.band_words(row)}."
        )
    )
