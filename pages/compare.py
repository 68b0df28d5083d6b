"""Compare areas: two to six areas of the same level side by side."""

import streamlit as st

from arp import levels, maps, view_state
from arp.ui import data, files, page_state, widgets

framework = data.framework()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text

st.title("Compare areas")
level = widgets.level_picker(state.level, "compare_level")
names = data.query("area_names", level=level).set_index("code")["name"]
listed = [c for c in state.compare if c in names.index]
chosen = st.multiselect(
    "Areas (two to six)",
    list(names.index),
    key=page_state.from_view("compare_areas", listed, set(names.index)),
    format_func=names.get,
    max_selections=view_state.MAX_COMPARE,
)
shown = view_state.ViewState(**{**state.__dict__, "level": level, "compare": tuple(chosen)})
page_state.write_state(shown)
if len(chosen) < 2:
    st.info("Pick at least two areas.")
    st.stop()
table = data.comparison(level, chosen)
st.dataframe(table, hide_index=True, width="stretch")
widgets.csv_download("Download (CSV)", table, f"arp-compare-{level}.csv")
indicator = st.selectbox("Chart", sorted(set(table["Indicator"])))
chart = table[table["Indicator"] == indicator].set_index("Area")["Value"]
st.bar_chart(chart, horizontal=True, x_label=indicator, y_label="")
chosen_indicator = next(i for i in framework.indicators.values() if i.title == indicator)
st.download_button(
    "Download this chart (PNG)",
    files.chart_png(
        chart.index,
        chart.to_numpy(),
        indicator,
        f"{levels.LABELS[level]} compared · {chosen_indicator.period}",
        chosen_indicator.unit,
        [s for e in chosen_indicator.sources for s in e.split("|")],
        period=chosen_indicator.period,
        link=files.view_link(shown, "compare"),
        direction=maps.value_direction(
            chosen_indicator.polarity,
            chosen_indicator.kind,
            chosen_indicator.title,
            chosen_indicator.unit,
        ),
    ),
    file_name=f"arp-compare-{chosen_indicator.id}.png",
    mime="image/png",
)
