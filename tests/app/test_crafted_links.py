"""Crafted links and hostile typed text, on every page: whatever a URL or a user supplies is
shown as text, never as a link, an image, an icon or HTML (tests/app/text_checks.py says
how that is read from an AppTest run; tests/browser/test_crafted_links.py shows the same in
Chromium). The pages come from app.py's navigation and the parameters from
page_state.LINK_PARAMETERS, so a new page or parameter is covered without editing this."""

from __future__ import annotations

from datetime import date

import pytest

from arp import insights, room, sessions, settings, workshop
from arp.ui import page_state, widgets
from arp.view_state import SHOWN_VALUE_CHARACTERS, LinkProblem
from tests.app.conftest import sign_in
from tests.app.text_checks import (
    CRAFTED,
    HOST,
    SCENARIO,
    TITLE,
    misplaced,
    navigation_pages,
    outside_code_spans,
)
from tests.conftest import REPO_ROOT

PAGES = navigation_pages()
# The pages that read the view from the link, and say which of its values fell back.
VIEW_PAGES = [
    page for page in PAGES if "current_state()" in (REPO_ROOT / page).read_text(encoding="utf-8")
]


def test_the_pages_and_parameters_are_found():
    # Every page in app.py's navigation (a page added there is checked without a change here).
    assert len(PAGES) >= 12
    assert {"pages/map.py", "pages/capture.py", "pages/moderate.py", "pages/privacy.py"} <= set(
        PAGES
    )
    assert VIEW_PAGES == [
        "pages/area_profile.py",
        "pages/compare.py",
        "pages/equity_gaps.py",
        "pages/map.py",
    ]
    assert {"level", "show", "scenario", "area", "compare", "session"} <= set(
        page_state.LINK_PARAMETERS
    )
    assert all(len(text) <= SHOWN_VALUE_CHARACTERS for text in CRAFTED.values())  # shown whole
    assert len(TITLE) <= 120
    assert len(SCENARIO) <= workshop.MAX_NAME_LENGTH


# On the fixture database as built only: the snapshot's copy (tests/app/conftest.py) shows
# the same text.
ONLY_BUILT = pytest.mark.parametrize("fixture_db", ["built"], indirect=True)


@ONLY_BUILT
@pytest.mark.parametrize("kind", CRAFTED)
@pytest.mark.parametrize("page", PAGES)
def test_a_crafted_link_shows_its_values_only_as_text(app_with, fixture_db, page, kind):
    params = {name: CRAFTED[kind] for name in page_state.LINK_PARAMETERS}
    at = app_with(fixture_db, page=page, **params)
    assert misplaced(at, HOST) == []
    if page in VIEW_PAGES:
        warnings = [w.value for w in at.warning]
        for name in page_state.LINK_PARAMETERS:
            if name in (page_state.SESSION_PARAMETER, page_state.LANGUAGE_PARAMETER):
                continue  # an unknown session or language is ignored (English), never shown
            shown = widgets.plain(LinkProblem(name, params[name]).shown_value)
            assert any(w.startswith(shown) and f"not a valid {name};" in w for w in warnings)


@pytest.fixture
def hostile_workshop(facilitator_account):
    """A session, a scenario and an approved note whose every typed value is hostile."""
    path = settings.workshop_database_path()
    session = sessions.create(path, TITLE, date(2026, 3, 14), CRAFTED["html"])
    room.open_voting(path, session.session_id, "Amira")
    room.reveal_results(path, session.session_id, "Amira")
    sessions.vote(path, session.session_id, "voter", {"health": 10}, {"health"})
    workshop.save_scenario(path, workshop.Scenario(SCENARIO, {"health": 2.0}))
    note = insights.save(
        path,
        insights.Insight(
            area_code="E01000901",
            domain="access",
            kind="barrier",
            text=f"{TITLE} {CRAFTED['html']}",
            consent=True,
        ),
    )
    insights.moderate(path, note, "approve", "test")
    return session


@ONLY_BUILT
@pytest.mark.parametrize("page", PAGES)
def test_typed_titles_venues_scenario_names_and_notes_show_only_as_text(
    app_with, fixture_db, hostile_workshop, page
):
    at = app_with(
        fixture_db,
        page=page,
        session=hostile_workshop.session_id,
        show="overall",
        scenario=SCENARIO,
        area="E01000901",
    )
    if page == "pages/moderate.py":
        sign_in(at)
        assert next(e.label for e in at.expander).startswith(widgets.plain(TITLE))
    if page == "pages/vote.py":
        assert at.caption[0].value.startswith(widgets.plain(TITLE))
    assert not at.exception
    assert misplaced(at, HOST) == []


@pytest.mark.parametrize(
    "text",
    [
        TITLE,
        "``a`` `b` ```",
        "`leading and trailing`",
        "line one\n\n# line two",
        "",
    ],
)
def test_plain_text_is_one_code_span_holding_the_text(text):
    shown = widgets.plain(text)
    assert outside_code_spans(shown) == ""  # nothing of it is read as Markdown
    if text:
        fence = len(shown) - len(shown.lstrip("`"))
        inner = shown[fence:-fence]
        if inner.startswith(" ") and inner.endswith(" "):
            inner = inner[1:-1]  # CommonMark drops one space each side
        assert inner == " ".join(text.split()).replace(":material/", ":\u2060material/")


@ONLY_BUILT
@pytest.mark.parametrize("pin", ["²", "0", "99999999999", "1.0"])
def test_a_framework_pin_that_names_no_version_falls_back_with_a_message(app_with, fixture_db, pin):
    at = app_with(fixture_db, fw=pin)  # app_with: the page ran without an exception
    assert any("not a valid fw;" in w.value for w in at.warning)
    assert at.title[0].value == "Index of Multiple Deprivation score (IoD2025)"
    assert "fw" not in at.query_params  # not carried on to the next page and warned again
