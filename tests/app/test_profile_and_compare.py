"""The area profile and Compare areas through AppTest on the fixture database: the
summary's figures against the database, words for every heading, every approved note in full,
areas side by side beside the region and England, a duplicate refused, and the chart and the
areas kept in the link."""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pytest

from arp import comparison, insights, maps, settings
from arp.framework import load_framework
from arp.insights import Insight

FRAMEWORK = load_framework()
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # ethnic_group, rate_per_1000, gp_practice


@pytest.fixture
def open_page(app_with, fixture_db):
    def start(page, **params):
        return app_with(fixture_db, page=page, **params)

    return start


@pytest.fixture
def con(fixture_db):
    connection = duckdb.connect(str(fixture_db), read_only=True)
    yield connection
    connection.close()


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it: escapes read, bold marks and word joiners gone."""
    text = re.sub(r"(?<!\\)\*\*", "", markdown)
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def chart_rows(at) -> list[list[dict]]:
    """Each chart's rows (Streamlit sends a spec's data beside it, as Arrow)."""
    return [
        pa.ipc.open_stream(c.proto.data.data).read_pandas().to_dict("records")
        for c in at.get("vega_lite_chart")
    ]


def summary(at) -> list[str]:
    """The 'In short' points (sub-points start with '* '), as shown."""
    (points,) = [m.value for m in at.markdown if m.value.startswith("- ")][:1]
    return [shown(re.sub(r"^\s+- ", "* ", re.sub(r"^- ", "", line))) for line in points.split("\n")]


def flags(con, code, column):
    """(ranked, flagged) for an area: indicators other than context with a flag in column."""
    context = [i.id for i in FRAMEWORK.indicators.values() if i.kind == "context"]
    return con.execute(
        f"select count({column}), count(*) filter (where {column}) from indicator_values "
        "where area_code = ? and not list_contains(?, indicator_id)",
        [code, context],
    ).fetchone()


def test_the_summary_gives_the_figures_the_database_holds(open_page, con):
    at = open_page("pages/area_profile.py", area="E05000901")
    lines = summary(at)
    (residents,) = con.execute(
        "select residents from population_by_ethnicity "
        "where area_code = 'E05000901' and group_level = 'total'"
    ).fetchone()
    assert lines[0] == f"{residents:,} residents at the 2021 Census."
    ranked, flagged = flags(con, "E05000901", "flag_worst10_england")
    assert (ranked, flagged) == (1, 0)  # four LSOAs: no worst tenth anywhere
    assert lines[1] == (
        "Not in the worst tenth of England's wards on the one indicator ranked across England."
    )
    ranked, flagged = flags(con, "E05000901", "flag_worst10_wmca")
    assert lines[2] == (
        f"Not in the worst tenth of the region's wards on any of the {ranked} indicators "
        "ranked in the region."
    )
    # The ward's households with no car, as each group's residents live among its LSOAs.
    values = dict(
        con.execute(
            "select area_code, value from indicator_values where indicator_id = 'no_car' "
            "and area_code in ('E01000901', 'E01000902')"
        ).fetchall()
    )
    people = {
        (area, group): n
        for area, group, n in con.execute(
            "select area_code, ethnic_group, residents from population_by_ethnicity "
            "where area_code in ('E01000901', 'E01000902')"
        ).fetchall()
    }

    def average(group):
        weights = {a: people[(a, group)] for a in values}
        return sum(weights[a] * values[a] for a in values) / sum(weights.values())

    asian = "Asian, Asian British or Asian Welsh"
    expected = (
        f"* Households with no car or van: {maps.format_value(average(asian))}% of households "
        f"on average where {asian} residents live, against "
        f"{maps.format_value(average('White'))}% where White residents live"
    )
    assert any(line.startswith(expected) for line in lines), lines
    assert lines[-1] == "What people said: no workshop note about this area has been approved yet."


def test_a_neighbourhood_summary_says_what_it_cannot_compute(open_page):
    lines = summary(open_page("pages/area_profile.py", area="E01000901"))
    assert "none is worked out for one neighbourhood" in lines[3]
    assert not any(line.startswith("* ") for line in lines)


def note(text, kind="barrier", status="approve", area="E01000901", domain="policing"):
    path = settings.workshop_database_path()
    saved = insights.save(
        path, Insight(area_code=area, domain=domain, kind=kind, text=text, consent=True)
    )
    if status:
        insights.moderate(path, saved, status, "test")
    return saved


LONG_NOTE = " ".join(["The bus to the hospital stops at six, so people on late shifts walk."] * 14)
NOTES = [
    LONG_NOTE[: insights.MAX_TEXT],
    "First line.\nSecond line, after a line break.",
    "**not bold** [not a link](https://evil.example) :material/lock: $x$ <b>not html</b>",
]


def test_every_approved_note_is_shown_in_full_as_text_and_counted(open_page):
    for text, kind in zip(NOTES, ("barrier", "barrier", "idea"), strict=True):
        note(text, kind=kind)
    note("still waiting", status=None)
    note("turned down", status="reject")
    at = open_page("pages/area_profile.py", area="E01000901")
    assert len(NOTES[0]) > 900  # a long note: once cut off in a table's cell on a phone
    assert [t.value for t in at.text] == NOTES  # st.text: whole, never read as Markdown
    assert summary(at)[-1] == (
        "What people said: 3 approved workshop notes (2 barriers, 1 idea for action), "
        "each in full below."
    )
    headings = [c.value for c in at.caption]
    assert headings.count("A barrier · Policing & justice") == 2
    assert "An idea for action · Policing & justice" in headings
    # The ward the neighbourhood lies in shows them too.
    ward = open_page("pages/area_profile.py", area="E05000901")
    assert [t.value for t in ward.text] == NOTES


def every_heading_and_word(at) -> list[str]:
    """What a reader reads: headings, text, captions, messages, and every table's headings
    and cells (as shown)."""
    words = [
        shown(e.value)
        for kind in ("title", "subheader", "markdown", "caption", "text", "info", "warning")
        for e in getattr(at, kind)
    ]
    for frame in [d.value for d in at.dataframe] + [t.value for t in at.table]:
        words += [shown(str(c)) for c in [*frame.columns, frame.index.name] if c is not None]
        words += [shown(str(v)) for v in frame.astype(str).to_numpy().ravel()]
    words += [
        str(v)
        for rows in chart_rows(at)
        for record in rows
        for k, v in record.items()
        if k in ("title", "detail", "label")
    ]
    return words


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/area_profile.py", {"area": "E01000901"}),
        ("pages/area_profile.py", {"area": "E05000901"}),
        ("pages/area_profile.py", {"area": "E08000029"}),
        ("pages/compare.py", {"level": "lsoa", "compare": "E01000901,E01000904"}),
    ],
)
def test_every_heading_and_label_is_in_words(open_page, page, params):
    note("a note about the bus", kind="experience")
    words = every_heading_and_word(open_page(page, **params))
    assert words
    for text in words:
        assert not SNAKE_CASE.search(text), text
        assert not re.search(r"\bNone\b|\bnan\b|\b1 people\b|\bPharmacie\b|\blibrarie\b", text), (
            text
        )


def test_services_are_grouped_by_kind_with_counts_and_distances(open_page, con):
    at = open_page("pages/area_profile.py", area="E01000901")
    lines = [shown(m.value) for m in at.markdown if m.value.startswith("**")]
    (gp_here,) = con.execute(
        "select count(*) from services where lsoa21cd = 'E01000901' and service_type = 'gp_practice'"
    ).fetchone()
    (km,) = con.execute(
        "select value from indicator_values where indicator_id = 'distance_gp' "
        "and area_code = 'E01000901'"
    ).fetchone()
    assert lines[0] == (
        f"GP practices: {gp_here} in this neighbourhood; the nearest is "
        f"{maps.format_value(km)} km from its centre (straight line)."
    )
    assert [line.split(":")[0] for line in lines] == [
        "GP practices",
        "Pharmacies",
        "Hospitals (2018 list)",
        "Public libraries",
    ]
    nearest = next(d.value for d in at.dataframe if "Distance (km)" in d.value.columns)
    assert nearest["Name"].iloc[0] == "TEST HILL SURGERY"
    assert nearest["In this area"].iloc[0] == "yes"


def test_each_domain_has_a_spine_chart_with_the_benchmarks(open_page):
    at = open_page("pages/area_profile.py", area="E05000901")
    spines = [rows for rows in chart_rows(at) if "detail" in rows[0]]
    drawn = [
        shown(m.value).removeprefix("#### ") for m in at.markdown if m.value.startswith("####")
    ]
    assert len(spines) == len(drawn) >= 2
    titles = [r["title"].replace("\n", " ") for rows in spines for r in rows]
    assert "Households with no car or van — % of households" in titles
    no_car = next(r for rows in spines for r in rows if r["title"].startswith("Households"))
    assert "Region" in no_car["detail"]
    assert "England" in no_car["detail"]


# --- Compare ---------------------------------------------------------------------------


def test_areas_are_columns_beside_the_region_and_england(open_page):
    at = open_page("pages/compare.py", level="ward", compare="E05000901,E05000902")
    tables = [t.value for t in at.table]
    assert tables
    for table in tables:
        assert list(table.columns) == [
            "Northfield Test",
            "Shirley Test",
            "West Midlands Combined Authority",
            "England",
        ]
        assert table.index.name == "Indicator"
    # Rows grouped by domain, the domains and their indicators in the framework's order.
    domains = [
        shown(m.value).removeprefix("#### ") for m in at.markdown if m.value.startswith("####")
    ]
    order = [d.title for d in FRAMEWORK.domains.values()]
    assert domains == [d for d in order if d in domains]
    access = tables[domains.index("Access to services & transport")]
    assert [shown(i).split(" (")[0] for i in access.index] == [
        i.title
        for i in FRAMEWORK.in_domain("access")
        if any(shown(r).startswith(i.title + " (") for r in access.index)
    ]
    assert (
        access.loc["Distance to the nearest GP practice \\(km; higher is worse\\)", "Shirley Test"]
        == "1.12"
    )
    # A bar under each number, grey for the references.
    styles = " ".join(t.proto.arrow_data.styler.styles for t in at.table)
    assert "#1f78b4 100%, transparent 100%" in styles  # the largest in its row
    assert "#9e9e9e" in styles


def test_an_area_given_twice_is_refused_with_a_message(open_page):
    at = open_page("pages/compare.py", level="ward", compare="E05000901,E05000902,E05000901")
    assert "`Northfield Test` is in the link more than once; shown once." in [
        w.value for w in at.warning
    ]
    assert at.multiselect[0].value == ["E05000901", "E05000902"]
    assert list(at.table[0].value.columns[:2]) == ["Northfield Test", "Shirley Test"]
    assert at.query_params["compare"] in ("E05000901,E05000902", ["E05000901,E05000902"])
    assert at.multiselect[0].proto.max_selections == 6


def test_a_link_to_compare_districts_opens_on_districts(open_page):
    at = open_page("pages/compare.py", compare="E08000025,E08000029")  # level left to default
    assert at.radio[0].value == "lad"
    assert list(at.table[0].value.columns) == [
        "Birmingham",
        "Solihull",
        "West Midlands Combined Authority",
        "England",
    ]


def test_the_chart_starts_on_a_headline_indicator_never_an_ethnic_share(open_page, con):
    at = open_page("pages/compare.py", level="lsoa", compare="E01000901,E01000904")
    chosen = at.selectbox[0].value
    assert FRAMEWORK.indicators[chosen].kind != "context"
    assert chosen == comparison.default_chart(
        FRAMEWORK, comparison.compare(con, FRAMEWORK, ["E01000901", "E01000904"])
    )
    assert at.query_params["chart"] in (chosen, [chosen])


def test_the_chart_and_the_areas_round_trip_through_the_link(open_page):
    at = open_page("pages/compare.py", level="lsoa", compare="E01000901,E01000904")
    at.multiselect[0].select("E01000902").run()
    at.selectbox[0].set_value("no_car").run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["chart"] == "no_car"
    assert params["compare"] == "E01000901,E01000904,E01000902"
    again = open_page("pages/compare.py", **params)
    assert again.selectbox[0].value == "no_car"
    assert again.multiselect[0].value == ["E01000901", "E01000904", "E01000902"]
    (rows,) = chart_rows(again)
    assert [r["name"] for r in rows] == [
        "Birmingham 001A",
        "Solihull 001B",
        "Birmingham 001B",
        "West Midlands Combined Authority",
        "England",
    ]
    assert rows[0]["value"] == 50.0
    assert rows[1]["value"] == 10.0


def test_a_chart_in_the_link_with_no_value_here_says_so(open_page):
    at = open_page(
        "pages/compare.py", level="ward", compare="E05000901,E05000902", chart="life_expectancy"
    )
    assert any("has no value for these areas" in i.value for i in at.info)
    assert at.selectbox[0].value != "life_expectancy"
