"""Equity gaps: the average value each ethnic group experiences, and stop-and-search ratios."""

import streamlit as st

from arp import exports, gaps, maps, view_state
from arp.ui import data, files, page_state, widgets

framework = data.framework()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text

st.title("Gaps between ethnic groups")
st.write(
    "For each Census 2021 ethnic group: the average value its residents experience, each "
    "neighbourhood weighted by how many of the group live there, and the gap to the reference "
    "group and to all residents."
)
candidates = [
    i for i in framework.indicators.values() if "lsoa" in i.levels or i.base_level == "msoa"
]
ids = [i.id for i in candidates]
gap = st.selectbox(
    "Indicator",
    ids,
    key=page_state.from_view(
        "gap_indicator", state.gap_indicator if state.gap_indicator in ids else ids[0], ids
    ),
    format_func=lambda i: framework.indicators[i].title,
)
within_options = data.query("within_options")
within_names = dict(zip(within_options["code"], within_options["name"], strict=True))
within = st.selectbox(
    "Within",
    list(within_names),
    key=page_state.from_view("gap_within", state.within, within_names),
    format_func=within_names.get,
)
detailed_at, _ = gaps.detailed_level(data.connection(), framework.indicators[gap], within)
detail = st.radio(
    "Groups",
    ["broad", "detailed"],
    horizontal=True,
    format_func={
        "broad": "5 broad groups (LSOA values)",
        "detailed": f"19 detailed groups ({detailed_at.upper()} values)",
    }.get,
)
shown = view_state.ViewState(**{**state.__dict__, "gap_indicator": gap, "within": within})
page_state.write_state(shown)
link = files.view_link(shown, "equity_gaps")  # on the chart exports, back to this view

indicator = framework.indicators[gap]
try:
    table = gaps.exposure(data.connection(), indicator, within, detail)
except gaps.GapError as error:
    st.info(f"Cannot compute this gap: {error}")
else:
    st.caption(table.attrs["note"])
    st.bar_chart(
        table.set_index("ethnic_group")["mean_value"],
        horizontal=True,
        # Streamlit's x_label names the category axis of a horizontal chart: the value
        # axis is y here.
        x_label="",
        y_label=f"{indicator.title} ({indicator.unit})",
    )
    st.dataframe(table.round(2), hide_index=True, width="stretch")
    st.download_button(
        "Download this chart (PNG)",
        files.chart_png(
            table["ethnic_group"],
            table["mean_value"],
            indicator.title,
            exports.gap_chart_subtitle(table, within_names[within]),
            indicator.unit,
            [s for e in indicator.sources for s in e.split("|")]
            + [f"census_ts021_{table.attrs['level']}"],
            reference=float(
                table.loc[table["ethnic_group"] == "All residents", "mean_value"].iloc[0]
            ),
            reference_label="All residents",
            period=indicator.period,
            link=link,
            direction=maps.value_direction(
                indicator.polarity, indicator.kind, indicator.title, indicator.unit
            ),
        ),
        file_name=f"arp-gaps-{gap}-{within}.png",
        mime="image/png",
    )
    widgets.csv_download("Download (CSV)", exports.with_note(table), f"arp-gaps-{gap}-{within}.csv")

st.subheader("Stop and search by ethnic group")
stop = widgets.stop_search_table(within)
if stop is not None:
    groups = stop[stop["ratio_to_white"].notna()]  # withheld ratios are not drawn
    st.download_button(
        "Download the ratios as a chart (PNG)",
        files.chart_png(
            groups["ethnic_group"],
            groups["ratio_to_white"],
            "Stop and search: rate ratio to White residents",
            f"{within_names[within]} · self-defined ethnicity · 95% intervals · "
            "1 = the same rate as White residents",
            "rate ratio",
            ["stop_search_wmp", "census_ts021_lsoa"],
            intervals=list(zip(groups["ratio_ci_low"], groups["ratio_ci_high"], strict=True)),
            reference=1.0,
            reference_label="the same rate as White residents",
            period=f"police.uk data, {gaps.stop_search_period(data.connection())}",
            link=link,
            direction="above 1 = searched more often than White residents",
        ),
        file_name=f"arp-stop-search-{within}.png",
        mime="image/png",
    )
