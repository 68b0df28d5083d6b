"""Cached helpers for the Streamlit pages. The only core module that imports streamlit."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from arp import (
    composites,
    db,
    explorer,
    exports,
    gaps,
    insights,
    maps,
    sessions,
    settings,
    transfer,
    workshop,
)
from arp.framework import Framework, load_framework
from arp.status import DatabaseStatus, database_status
from arp.workshop import Scenario
from data_loaders import SERVICE_TYPES, SOURCES, Source


def current_status() -> DatabaseStatus:
    return database_status(settings.database_path())


@st.cache_resource
def _connection(path: str, modified: float) -> duckdb.DuckDBPyConnection:
    # Keyed on the file's modification time: after `arp build` replaces the file,
    # the next run opens the new database instead of the old, unlinked one.
    return db.connect(Path(path), read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared read-only connection (one connection, a cursor per run)."""
    path = settings.database_path()
    return _connection(str(path), path.stat().st_mtime).cursor()


@st.cache_data(show_spinner=False)
def _cached_query(name: str, path: str, modified: float, **params) -> pd.DataFrame:
    return db.query(connection(), name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/app/, cached until the database is rebuilt."""
    path = settings.database_path()
    return _cached_query(name, str(path), path.stat().st_mtime, **params)


LEVEL_LABELS = {
    "ca": "Combined authority",
    "lad": "Districts",
    "ward": "Wards",
    "msoa": "MSOAs",
    "lsoa": "LSOAs",
}


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


# --- framework and scores -------------------------------------------------------------

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


@st.cache_resource
def framework() -> Framework:
    return load_framework()


@st.cache_data(show_spinner=False)
def _indicator_status(path: str, modified: float) -> pd.DataFrame:
    con = connection()
    if not db.has_table(con, "indicator_status"):
        return pd.DataFrame(columns=["indicator_id", "status", "missing_sources"])
    return con.execute("select * from indicator_status").df()


def indicator_status() -> pd.DataFrame:
    path = settings.database_path()
    return _indicator_status(str(path), path.stat().st_mtime)


def framework_table(domain_id: str) -> pd.DataFrame:
    """The indicators of one domain, as a workshop reads them."""
    status = indicator_status().set_index("indicator_id")
    rows = []
    for indicator in framework().in_domain(domain_id):
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


def domain_has_open_data(domain_id: str) -> bool:
    """True when at least one scored indicator of the domain was computed."""
    status = indicator_status().set_index("indicator_id")["status"]
    return any(
        status.get(i.id) == "computed" and i.kind != "context"
        for i in framework().in_domain(domain_id)
    )


@st.cache_data(show_spinner=False)
def _composite_inputs(level: str, path: str, modified: float) -> composites.CompositeInputs:
    return composites.composite_inputs(connection(), framework(), level)


def composite_table(level: str, scenario: Scenario) -> pd.DataFrame:
    """Composite and flag counts for every area of `level`, named, worst overall first."""
    path = settings.database_path()
    inputs = _composite_inputs(level, str(path), path.stat().st_mtime)
    scores = composites.composite_scores(inputs, framework(), scenario)
    names = query("area_names", level=level).set_index("code")["name"]
    scores.insert(0, "Area", scores.index.map(names))
    titles = {d.id: d.title for d in framework().domains.values()}
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


def scenarios() -> list[Scenario]:
    return workshop.list_scenarios(settings.workshop_database_path())


METHOD_TEXT = """
- **Values.** Each indicator is computed from its sources by one SQL file
  (`queries/indicators/`), as a numerator and a denominator per LSOA (or MSOA). Larger
  areas add up the numerators and denominators and divide again: rates are never averaged.
  Scores such as the IMD are averaged over residents.
- **Intervals.** Percentages carry a 95% Wilson interval; rates of counted events (such as
  stop and search) the 95% exact Poisson interval (from chi-square quantiles). Measures
  with no random variation have none: averages of scores, published ranks and deciles,
  complete counts (GP practices) and the share of residents in England's most deprived
  tenth (whole neighbourhoods counted).
- **Small numbers.** A value resting on fewer than 10 counted, or on fewer than 50 people
  or households, is *suppressed*: shown as suppressed, never as zero.
- **Position.** Within the area mapped (and within England where the data cover it), each
  area's percentile says where its value sits: 0 lowest, 100 highest; tied values share
  the average position. The *worse percentile* turns the direction so that 100 is always
  the worst-placed area. Indicators with no judgement (context) have none.
- **Worst 10%.** One rule for the map, tables, profiles and composite counts. An area is
  flagged when it and every area tied with it fit within the worst-placed tenth of the
  areas of its level that have a value: so at most a tenth are flagged, none when fewer
  than 10 are ranked, and a tie straddling the line is not flagged. A national decile
  answers the question itself: its flag is exactly "in England's most deprived tenth"
  (decile 1), which can cover more than a tenth of a deprived region's areas.
- **Composites.** A domain score is the weighted average of the worse percentiles of its
  indicators that the area has; the overall score averages the domain scores with the
  scenario's domain weights. Beside each score is the plain count of indicators in the worst
  10% (the same flags the map shows), so a good domain cannot hide a bad one. Gaps between
  ethnic groups are never mixed into these composites.
- **Stop and search in composites.** Most LSOAs have fewer than 10 searches, so their own
  rate is suppressed. So that the policing domain covers every neighbourhood, composites at
  LSOA level rank each LSOA on its MSOA's rate (the LSOAs of one MSOA share a position);
  the LSOA map of the rate itself still shows only LSOAs with enough searches.
- **Gaps between groups.** The average value experienced by the residents of each Census
  2021 ethnic group: each neighbourhood's value weighted by how many of the group live there.
  The 5 broad groups use LSOA values, with White as reference. The 19 detailed groups use
  White British as reference, on LSOA values when the Census file with all 20 categories at
  LSOA is loaded; otherwise on MSOA values, and MSOA averages hide differences within each
  MSOA, so gaps look smaller than at LSOA. Each table says which level it used.
"""


# --- map explorer, profiles, comparison ------------------------------------------------


@st.cache_data(show_spinner=False)
def _area_codes(path: str, modified: float) -> set[str]:
    return {row[0] for row in connection().execute("select code from areas").fetchall()}


def view_state() -> tuple[explorer.ViewState, list[str]]:
    """The view the URL asks for, with messages for anything that had to fall back."""
    path = settings.database_path()
    within = query("within_options")
    return explorer.parse_state(
        dict(st.query_params),
        framework(),
        _area_codes(str(path), path.stat().st_mtime),
        within["code"].tolist(),
        [s.name for s in scenarios()],
    )


def write_state(state: explorer.ViewState) -> None:
    """Put the view in the URL so a copied link reopens it."""
    params = state.to_params()
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def from_view(key: str, current, options=None) -> str:
    """Start the widget `key` at the view's value (from the URL) the first time it is drawn,
    and leave it to the user after that. Passing index= or default= from the URL on every
    run instead makes Streamlit treat a changed index as a new widget, which drops the
    user's next choice. Returns the key, for the widget call."""
    value = st.session_state.get(key)
    valid = value is not None and (
        options is None
        or (all(v in options for v in value) if isinstance(value, list) else value in options)
    )
    if not valid:
        st.session_state[key] = current
    return key


def level_picker(current: str, key: str) -> str:
    """The geography level radio, shared by the map and compare pages."""
    return st.radio(
        "Areas",
        explorer.LEVELS,
        key=from_view(key, current, explorer.LEVELS),
        format_func=LEVEL_LABELS.get,
        horizontal=True,
    )


def scenario_named(name: str) -> Scenario:
    options = scenarios()
    return next((s for s in options if s.name == name), options[0])


def csv_download(label: str, frame: pd.DataFrame, file_name: str, index: bool = False) -> None:
    """A download button for a table, as UTF-8 CSV."""
    st.download_button(
        label, frame.to_csv(index=index).encode("utf-8"), file_name=file_name, mime="text/csv"
    )


def show_options() -> list[str]:
    fw = framework()
    options = [explorer.OVERALL]
    options += [f"{explorer.DOMAIN_PREFIX}{d.id}" for d in fw.scored_domains]
    options += list(fw.indicators)
    return options


def map_view(state: explorer.ViewState) -> explorer.MapView:
    if state.show in framework().indicators:
        view = explorer.indicator_view(connection(), framework(), state)
    else:
        view = explorer.composite_view(
            connection(), framework(), state, scenario_named(state.scenario)
        )
    view.frame["insights"] = view.frame["code"].map(insight_counts(state.level)).fillna(0)
    return view


def attribution_for(state: explorer.ViewState) -> list[str]:
    """The attribution lines of the sources behind the view."""
    fw = framework()
    if state.show in fw.indicators:
        ids = [s for entry in fw.indicators[state.show].sources for s in entry.split("|")]
    else:
        ids = [s for i in fw.indicators.values() for entry in i.sources for s in entry.split("|")]
    loaded = query("sources_loaded")
    lines = loaded[loaded["source_id"].isin(ids)]["attribution"].unique().tolist()
    return [*sorted(lines), "Boundaries: " + ONS_GEOGRAPHY_LINE]


ONS_GEOGRAPHY_LINE = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right"
)


STOP_SEARCH_OVERLAY = "stop_search"
INSIGHTS_OVERLAY = "insights"


def map_layers(state: explorer.ViewState, overlays: list[str]) -> dict:
    """District outlines and the point overlays the user picked, for maps.choropleth."""
    layers: list[dict] = []
    types = [o for o in overlays if o in SERVICE_TYPES]
    if types:
        layers += maps.service_overlays(query("services_within", within=state.within, types=types))
    if STOP_SEARCH_OVERLAY in overlays and db.has_table(connection(), "stop_search_events"):
        layers.append(
            maps.count_overlay(
                "Stop and search (LSOAs with 10 or more)",
                query("stop_search_by_lsoa", within=state.within),
                "searches",
                2,
                1,
                ("#000000", "#ffffff"),
                "{:,} stop and searches (13 months)",
            )
        )
    if INSIGHTS_OVERLAY in overlays:
        counts = insight_counts("lsoa")
        points = query("area_points", level="lsoa", within=state.within)
        points["insights"] = points["code"].map(counts).fillna(0).astype(int)
        layers.append(
            maps.count_overlay(
                "Workshop insights (approved)",
                points[points["insights"] > 0],
                "insights",
                5,
                2,
                ("#ffffff", "#1b7837"),
                "{} approved workshop insight(s)",
            )
        )
    districts = query("district_outlines", within=state.within) if state.level != "lad" else None
    return {"districts": districts, "overlays": layers}


def map_source_line(view: explorer.MapView) -> str:
    return f"{view.period}. Made {date.today():%d %b %Y}. Contains ONS and OS data, OGL v3.0"


_AREA_MAP = st.components.v2.component(
    "arp.area_map",
    js=(Path(__file__).parent / "area_map.js").read_text(),
    css=(Path(__file__).parent / "area_map.css").read_text(),
    isolate_styles=False,  # Leaflet's stylesheet must reach the map
)


def area_map(
    key: str, build: Callable[..., maps.MapSpec], geometry_version: str | None = None
) -> str | None:
    """Draw a map in the page and return the code of an area just clicked, if any.

    build(geometry_version=..., held=..., base_url_path=...) makes the map's spec. Geometry
    the browser already holds (sent earlier in this session) is left out of it; if the
    browser reports it missing, the next run sends it again. The geometry's version is the
    database file's, unless given."""
    held_key = f"_arp_geometry_held_{key}"
    if geometry_version is None:
        path = settings.database_path()
        geometry_version = f"{path}:{path.stat().st_mtime}"
    held = st.session_state.get(held_key, frozenset())
    spec = build(
        geometry_version=geometry_version,
        held=held,
        base_url_path=st.get_option("server.baseUrlPath") or "",
    )
    result = _AREA_MAP(
        key=key,
        data=spec.data,
        on_clicked_change=lambda: None,
        on_missing_geometry_change=lambda: st.session_state.pop(held_key, None),
    )
    st.session_state[held_key] = held | set(spec.geometry_ids)
    return result.clicked


def find_area_box(
    on_map: bool = False, pick_label: str = "Open its profile"
) -> tuple[str | None, str | None]:
    """Search by name or postcode. Returns (code, action): action is 'map' (show it on the
    map) or 'profile' (open its profile) once a button is pressed."""
    text = st.text_input("Find an area (name or postcode)", key="find_area")
    if not text:
        return None, None
    matches = explorer.find_area(connection(), text)
    if not matches:
        st.caption("No area or postcode found.")
        return None, None
    labels = {code: f"{name} ({LEVEL_LABELS.get(level, level)})" for code, name, level in matches}
    picked = st.selectbox("Matches", list(labels), format_func=labels.get, key="find_match")
    if on_map and st.button("Show on the map"):
        return picked, "map"
    if st.button(pick_label):
        return picked, "profile"
    return None, None


def stop_search_table(code: str) -> pd.DataFrame | None:
    """Shows the stop-and-search table (made, with small numbers withheld, by
    explorer.stop_search); returns it for charts, or None when none is loaded."""
    table = explorer.stop_search(connection(), code)
    if table is None:
        st.caption("No stop and search data loaded.")
        return None
    st.caption(table.attrs["note"])
    st.dataframe(gaps.stop_search_display(table), hide_index=True, width="stretch")
    return table


def comparison(level: str, codes: list[str]) -> pd.DataFrame:
    """Every indicator for the chosen areas, long, with the area-mapped benchmark."""
    frames = []
    names = query("area_names", level=level).set_index("code")["name"]
    for code in codes:
        _, table = explorer.profile(connection(), framework(), code)
        table.insert(0, "Area", names.get(code, code))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def public_url() -> str:
    """Where the app is reached, for links and QR codes on exports (ARP_PUBLIC_URL)."""
    return os.environ.get("ARP_PUBLIC_URL", exports.PUBLIC_URL_DEFAULT)


def map_image(state: explorer.ViewState, size: str, suffix: str = ".png") -> bytes:
    """The current map as an image, rendered on the server."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"map{suffix}"
        exports.render_map(
            connection(),
            framework(),
            state,
            scenario_named(state.scenario),
            out,
            size,
            public_url(),
        )
        return out.read_bytes()


def profile_pdf(code: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "profile.pdf"
        said = approved_insights(code)["text"].tolist()
        exports.render_profile(connection(), framework(), code, out, public_url(), said=said)
        return out.read_bytes()


PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"] { display: none !important; }
h1 { font-size: 3rem !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
</style>
"""


def presentation_mode() -> bool:
    """?present=1: no sidebar or controls, a larger map and title, for the room's screen."""
    if st.query_params.get("present") != "1":
        return False
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)  # fixed CSS, no user text
    return True


def chart_png(
    labels, values, title, subtitle, value_label, source_ids, intervals=None, reference=None
) -> bytes:
    """A chart of the current view as a PNG, with the same footer of sources as the maps."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "chart.png"
        lines = exports.attributions(connection(), source_ids)
        exports.render_chart(
            list(labels),
            list(values),
            title,
            subtitle,
            value_label,
            lines,
            out,
            intervals=intervals,
            reference=reference,
        )
        return out.read_bytes()


# --- workshop insights ----------------------------------------------------------------


def area_codes() -> set[str]:
    path = settings.database_path()
    return _area_codes(str(path), path.stat().st_mtime)


def area_label(code: str) -> str:
    row = (
        connection()
        .execute(
            "select coalesce(name_hcl || ' (' || name || ')', name), level from areas where code = $c",
            {"c": code},
        )
        .fetchone()
    )
    return f"{row[0]} ({LEVEL_LABELS.get(row[1], row[1])})" if row else code


@st.cache_data(show_spinner=False)
def _census_groups(path: str, modified: float) -> list[str]:
    rows = (
        connection()
        .execute(
            """select distinct ethnic_group from population_by_ethnicity
           where group_level = 'detailed' order by 1"""
        )
        .fetchall()
    )
    return [row[0] for row in rows]


def census_ethnic_groups() -> list[str]:
    path = settings.database_path()
    return _census_groups(str(path), path.stat().st_mtime)


def submission_token() -> str:
    """One token per note being written: a double tap saves it once."""
    if "submission_token" not in st.session_state:
        new_submission_token()
    return st.session_state["submission_token"]


def new_submission_token() -> None:
    st.session_state["submission_token"] = uuid.uuid4().hex


def facilitator_password_hash() -> str | None:
    """From ARP_FACILITATOR_PASSWORD_HASH, or Streamlit secrets; there is no default."""
    configured = os.environ.get("ARP_FACILITATOR_PASSWORD_HASH")
    if configured:
        return configured
    try:
        return st.secrets.get("facilitator_password_hash")
    except FileNotFoundError:
        return None


def facilitator_signed_in() -> bool:
    if st.session_state.get("facilitator"):
        return True
    stored = facilitator_password_hash()
    if not stored:
        st.error(
            "No facilitator password is set. Set ARP_FACILITATOR_PASSWORD_HASH (make one with "
            "`arp hash-password`) or facilitator_password_hash in Streamlit secrets."
        )
        return False
    password = st.text_input("Facilitator password", type="password")
    if st.button("Sign in"):
        if insights.check_password(password, stored):
            st.session_state["facilitator"] = True
            st.rerun()
        st.error("That password is not right.")
    return False


def approved_insights(code: str) -> pd.DataFrame:
    """Approved insights placed in this area or any LSOA inside it."""
    codes = [
        row[0]
        for row in connection()
        .execute(
            """select code from areas where $code in (code, msoa_code, ward_code, lad_code, ca_code)""",
            {"code": code},
        )
        .fetchall()
    ]
    return insights.approved_for_areas(settings.workshop_database_path(), codes)


def approved_at_level(level: str) -> pd.DataFrame:
    """Approved insights with their place lifted to `level`: a note placed in an LSOA
    belongs to the MSOA, ward and district the LSOA lies in."""
    approved = insights.approved_for_areas(settings.workshop_database_path(), list(area_codes()))
    if approved.empty:
        return approved
    column = {"lsoa": "code", "msoa": "msoa_code", "ward": "ward_code", "lad": "lad_code"}[level]
    placed = (
        connection()
        .execute(f"select code, {column} as parent from areas where level = 'lsoa'")
        .df()
        .set_index("code")["parent"]
    )
    approved["area_code"] = approved["area_code"].map(placed).fillna(approved["area_code"])
    return approved


def insight_counts(level: str) -> pd.Series:
    """Approved insights per area of `level`."""
    approved = approved_at_level(level)
    return approved["area_code"].value_counts() if len(approved) else pd.Series(dtype="int64")


def check_import(content: bytes):
    """Validate an uploaded CSV of notes against the areas, postcodes and framework."""
    con = connection()
    postcodes = {}
    if db.has_table(con, "postcodes"):
        postcodes = dict(
            con.execute(
                "select postcode_key, lsoa21cd from postcodes where lsoa21cd is not null"
            ).fetchall()
        )
    fw = framework()
    return transfer.check_import(
        content,
        postcodes,
        {d.id for d in fw.scored_domains},
        set(fw.indicators),
        area_codes(),
        set(census_ethnic_groups()),
        transfer.saved_keys(settings.workshop_database_path()),
    )


def evidence_table(level: str, scenario: Scenario) -> pd.DataFrame:
    path = settings.database_path()
    inputs = _composite_inputs(level, str(path), path.stat().st_mtime)
    scores = composites.composite_scores(inputs, framework(), scenario)
    approved = approved_at_level(level)
    counts = approved.groupby(["area_code", "domain"]).size().rename("insights").reset_index()
    names = query("area_names", level=level).set_index("code")["name"]
    titles = {d.id: d.title for d in framework().scored_domains}
    return explorer.evidence_and_experience(scores, counts, names, titles)


def place_picker(within: str) -> str | None:
    """A small map of LSOAs: tapping one chooses it (stored at LSOA, never as a point)."""
    frame = explorer.areas_within(connection(), "lsoa", within)
    if frame.empty:
        return None
    frame = frame.assign(value=1.0)
    return area_map(
        "place_picker",
        lambda **common: maps.choropleth(
            frame,
            "Tap the area your note is about",
            "LSOAs: small neighbourhoods of about 1,500 residents",
            "no_judgement",
            "context",
            [[name] for name in frame["name"]],
            "quantiles",
            "Contains ONS and OS data, OGL v3.0",
            height=360,
            label="Map of neighbourhoods: tap one to choose it, or find it by name or postcode",
            **common,
        ),
    )


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def plain(text: str) -> str:
    """User-typed text made safe inside Streamlit labels and messages, which render Markdown:
    every Markdown character is escaped, so it shows exactly as typed."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def session_from_link() -> str | None:
    """The workshop session named in the join link, if it exists."""
    wanted = st.query_params.get("session")
    known = {s.session_id for s in sessions.listing(settings.workshop_database_path())}
    return wanted if wanted in known else None
