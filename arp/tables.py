"""Tables as people read them: the sources, the framework's indicators and the composites,
with words for headings. Plain functions on frames and the framework; no Streamlit."""

from __future__ import annotations

import pandas as pd

from arp.framework import Framework
from arp.view_state import Show
from data_loaders import SOURCES, Source

POLARITY_WORDS = {
    "higher_is_worse": "higher is worse",
    "higher_is_better": "higher is better",
    "no_judgement": "no judgement",
}
KIND_WORDS = {
    "level": "how an area is doing",
    "disparity": "gap between ethnic groups",
    "context": "context",
}
ONS_GEOGRAPHY_LINE = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right"
)


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV files people open in a spreadsheet: a text cell that a spreadsheet would
    run as a formula (`=HYPERLINK(...)`, `+1`, `@SUM`) gets a leading apostrophe, so it is
    shown as typed. Numbers are left as numbers."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False)
            safe[column] = values.where(~risky, "'" + text)
    return safe


def sources_table(loaded: pd.DataFrame) -> pd.DataFrame:
    """The loaded sources as people read them: words for headings, dates as dates."""
    return pd.DataFrame(
        {
            "Source": loaded["title"],
            "Publisher": loaded["publisher"],
            "Licence": loaded["licence"],
            "Files": loaded["file_names"],
            "File date": pd.to_datetime(loaded["file_modified"]).dt.date,
            "Rows": loaded["rows"],
            "Loaded": pd.to_datetime(loaded["loaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "Landing page": loaded["landing_page"],
            "Id": loaded["source_id"],
        }
    )


def attribution_lines(loaded: pd.DataFrame) -> list[str]:
    """Each distinct attribution once, in a stable order."""
    return sorted(set(loaded["attribution"]))


def indicator_source_ids(framework: Framework, show: Show) -> list[str]:
    """The ids of every source the view's indicators can use (either of 'a|b')."""
    indicators = (
        framework.indicators.values() if show.is_composite else [framework.indicators[show.id]]
    )
    return [s for i in indicators for entry in i.sources for s in entry.split("|")]


def attribution_for(framework: Framework, show: Show, loaded: pd.DataFrame) -> list[str]:
    """The attribution lines of the loaded sources behind a view, and the boundaries'."""
    ids = indicator_source_ids(framework, show)
    lines = loaded[loaded["source_id"].isin(ids)]["attribution"].unique().tolist()
    return [*sorted(lines), "Boundaries: " + ONS_GEOGRAPHY_LINE]


def sources_not_loaded(loaded: pd.DataFrame) -> pd.DataFrame:
    present = set(loaded["source_id"])
    return missing_sources_table([s for s in SOURCES if s.id not in present])


def missing_sources_table(sources: list[Source]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Source": [s.title for s in sources],
            "Expected file": [s.files[0] for s in sources],
            "Official download": [s.downloads[0].url for s in sources],
            "Id": [s.id for s in sources],
        }
    )


def framework_table(framework: Framework, status: pd.DataFrame, domain_id: str) -> pd.DataFrame:
    """The indicators of one domain, as a workshop reads them. `status` is the database's
    indicator_status table."""
    status = status.set_index("indicator_id")
    rows = []
    for indicator in framework.in_domain(domain_id):
        state = status["status"].get(indicator.id, "not scored yet")
        if state == "data not loaded":
            state = f"data not loaded ({status['missing_sources'][indicator.id]})"
        rows.append(
            {
                "Indicator": indicator.title,
                "What it measures": indicator.description,
                "Kind": KIND_WORDS[indicator.kind],
                "Direction": POLARITY_WORDS[indicator.polarity],
                "Unit": indicator.unit,
                "Areas": ", ".join(level.upper() for level in indicator.levels),
                "Period": indicator.period,
                "Status": state,
                "Caveats": indicator.caveats,
                "Id": indicator.id,
            }
        )
    return pd.DataFrame(rows)


def domain_has_open_data(framework: Framework, status: pd.DataFrame, domain_id: str) -> bool:
    """True when at least one scored indicator of the domain was computed."""
    computed = status.set_index("indicator_id")["status"]
    return any(
        computed.get(i.id) == "computed" and i.kind != "context"
        for i in framework.in_domain(domain_id)
    )


def composite_table(scores: pd.DataFrame, names: pd.Series, framework: Framework) -> pd.DataFrame:
    """Composite scores and flag counts for every area (composites.composite_scores), named,
    with words for headings, worst overall first."""
    scores = scores.copy()
    scores.insert(0, "Area", scores.index.map(names))
    titles = {d.id: d.title for d in framework.domains.values()}
    renamed = {}
    for column in scores.columns:
        domain, _, part = column.rpartition("_")
        if domain == "overall":
            renamed[column] = "Overall score" if part == "score" else "Indicators in worst 10%"
        elif domain in titles:
            renamed[column] = f"{titles[domain]}: {'score' if part == 'score' else 'flags'}"
    scores = scores.rename(columns=renamed).sort_values("Overall score", ascending=False)
    scores.index.name = "Code"
    return scores.round(1)
