"""Compare areas: two to six areas of the same level side by side."""

import streamlit as st

from arp import explorer, ui

framework = ui.framework()
state, problems = ui.view_state()
for problem in problems:
    st.warning(problem)

st.title("Compare areas")
level = ui.level_picker(state.level, "compare_level")
names = ui.query("area_names", level=level).set_index("code")["name"]
listed = [c for c in state.compare if c in names.index]
chosen = st.multiselect(
    "Areas (two to six)",
    list(names.index),
    key=ui.from_view("compare_areas", listed, set(names.index)),
    format_func=names.get,
    max_selections=explorer.MAX_COMPARE,
)
ui.write_state(explorer.ViewState(**{**state.__dict__, "level": level, "compare": tuple(chosen)}))
if len(chosen) < 2:
    st.info("Pick at least two areas.")
    st.stop()
table = ui.comparison(level, chosen)
st.dataframe(table, hide_index=True, width="stretch")
ui.csv_download("Download (CSV)", table, f"arp-compare-{level}.csv")
indicator = st.selectbox("Chart", sorted(set(table["Indicator"])))
chart = table[table["Indicator"] == indicator].set_index("Area")["Value"]
st.bar_chart(chart, horizontal=True, x_label=indicator, y_label="")
chosen_indicator = next(i for i in framework.indicators.values() if i.title == indicator)
st.download_button(
    "Download this chart (PNG)",
    ui.chart_png(
        chart.index,
        chart.to_numpy(),
        indicator,
        f"{ui.LEVEL_LABELS[level]} compared · {chosen_indicator.period}",
        chosen_indicator.unit,
        [s for e in chosen_indicator.sources for s in e.split("|")],
    ),
    file_name=f"arp-compare-{chosen_indicator.id}.png",
    mime="image/png",
)
