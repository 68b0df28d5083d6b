"""Compare areas: two to six areas of one level side by side, with the region and England."""

import streamlit as st

from arp import charts, comparison, levels, maps, view_state
from arp.ui import data, files, page_state, widgets

framework = data.framework()
state, problems = page_state.current_state()
widgets.link_problems(problems)  # the values came from the link: shown as text

st.title("Compare areas")
asked = comparison.choose(state.compare, data.area_levels(), state.level)
level = widgets.level_picker(asked.level, "compare_level")
names = data.query("area_names", level=level).set_index("code")["name"]
for code in asked.repeated:
    st.warning(f"{widgets.plain(names.get(code, code))} is in the link more than once; shown once.")
if asked.other_level:
    st.warning(
        f"{widgets.plain(', '.join(asked.other_level))}: not {levels.LABELS[level]}; left out."
    )
if asked.too_many:
    st.warning(f"At most {view_state.MAX_COMPARE} areas; the rest of the link's are left out.")
listed = [c for c in asked.codes if c in names.index]
chosen = st.multiselect(
    f"Areas to compare (2 to {view_state.MAX_COMPARE}, each once)",
    list(names.index),
    key=page_state.from_view("compare_areas", listed, set(names.index)),
    format_func=names.get,
    max_selections=view_state.MAX_COMPARE,
)
if len(chosen) < 2:
    page_state.write_state(
        view_state.ViewState(**{**state.__dict__, "level": level, "compare": tuple(chosen)})
    )
    st.info("Pick at least two areas.")
    st.stop()

table = comparison.compare(data.connection(), framework, chosen)
options = comparison.chartable(table)
default = comparison.default_chart(framework, table)
wanted = state.compare_chart
if wanted and wanted not in options:
    st.info(
        f"{widgets.plain(framework.indicators[wanted].title)} has no value for these areas; "
        "the chart shows another indicator."
    )
indicator_id = st.selectbox(
    "Chart",
    options,
    key=page_state.from_view(
        "compare_chart", wanted if wanted in options else default, set(options)
    ),
    format_func=lambda i: f"{framework.indicators[i].title} ({table.rows.loc[i, 'domain_title']})",
)
linked = view_state.ViewState(
    **{
        **state.__dict__,
        "level": level,
        "compare": tuple(chosen),
        "compare_chart": indicator_id,
    }
)
page_state.write_state(linked)
indicator = framework.indicators[indicator_id]
labels, values, texts, intervals, references = comparison.chart_rows(table, indicator_id)
st.vega_lite_chart(
    charts.labelled_bars(
        labels, values, indicator.unit, texts=texts, intervals=intervals, references=references
    ),
    width="stretch",
    alt=f"{indicator.title} for each area, the region and England; the same in the table below.",
)
st.caption(
    " · ".join(
        [
            f"{widgets.literal(indicator.title)}: {widgets.literal(indicator.unit)}",
            widgets.literal(indicator.period),
            *comparison.chart_key(values, intervals, references),
        ]
    )
)
areas, area_values, _, _, _ = comparison.chart_rows(table, indicator_id, with_references=False)
st.download_button(
    "Download this chart (PNG)",
    files.chart_png(
        areas,
        area_values,
        indicator.title,
        f"{levels.LABELS[level]} compared · {indicator.period}",
        indicator.unit,
        [s for e in indicator.sources for s in e.split("|")],
        period=indicator.period,
        link=files.view_link(linked, "compare"),
        direction=maps.value_direction(
            indicator.polarity, indicator.kind, indicator.title, indicator.unit
        ),
    ),
    file_name=f"arp-compare-{indicator.id}.png",
    mime="image/png",
)

st.subheader("Every indicator, side by side")
st.caption(
    "A bar under each number: its size against the largest in its row. Grey: the region and "
    f"England. “{comparison.WITHHELD}”: fewer than 10 counted, or fewer than 50 people. "
    + comparison.FLAG_KEY
)
widgets.glossary_links(widgets.LEVEL_TERMS[level], "interval", "suppression")
styles = comparison.bar_styles(table.values, table.references)
for domain in framework.domains.values():
    ids = table.domain(domain.id)
    if not ids:
        continue
    st.markdown(f"#### {widgets.literal(domain.title)}")
    shown = table.text.loc[ids].set_index(table.rows.loc[ids, "label"].rename("Indicator"))
    widgets.bar_table(
        shown,
        styles.loc[ids],
        alt=f"{domain.title}: each indicator for the areas chosen, the region and England.",
    )
widgets.csv_download(
    "Download the table (CSV)", comparison.wide_table(table), f"arp-compare-{level}.csv"
)
