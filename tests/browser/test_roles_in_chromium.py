"""Roles in Chromium, against the server `arp app` runs (serve.py, with the sign-in cookie
routes): an anonymous browser cannot save a scenario, start a build, see a server path,
moderate or download a backup; a sign-in survives a reload in an HttpOnly cookie; sign-out
ends it; throttling locks an account after repeated failures."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from arp import facilitators, insights, workshop
from arp.insights import Insight
from tests.browser.conftest import app_server
from tests.conftest import FIXTURE_SOURCES_DIR

pytestmark = pytest.mark.browser
NAME, PASSWORD = "Ada Lovelace", "a long facilitator password"
NOTE = "Waiting for a facilitator to read this"
COOKIE = "arp_facilitator"


@pytest.fixture(scope="module")
def roles_server(fixture_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("roles")
    store = folder / "workshop.sqlite3"
    facilitators.add_account(store, NAME, PASSWORD, iterations=1000)
    facilitators.add_account(store, "Locked Out", PASSWORD, iterations=1000)
    insights.save(
        store,
        Insight(area_code="E01000901", domain="access", kind="barrier", text=NOTE, consent=True),
    )
    workshop.save_scenario(store, workshop.Scenario("Room dots", {"health": 2.0}), by=NAME)
    with app_server(
        fixture_db, store, folder / "streamlit.log", ARP_SOURCE_DIR=str(FIXTURE_SOURCES_DIR)
    ) as base:
        base.store = store
        yield base


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # the rest of the page's first run


def sign_in(page, name: str = NAME, password: str = PASSWORD) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_cookie(context, present: bool) -> list[dict]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if bool(found) == present:
            return found
        time.sleep(0.2)
    pytest.fail(f"the sign-in cookie did not {'appear' if present else 'go'}")


def test_an_anonymous_browser_cannot_change_anything_or_see_a_path(
    roles_server, desktop, fixture_db
):
    page = desktop
    open_page(page, f"{roles_server}/framework", "The framework")
    page.get_by_text("Weighting scenarios").first.wait_for()
    assert page.get_by_role("button", name="Save scenario").count() == 0
    assert page.get_by_label("Save as").count() == 0
    assert page.get_by_text("saving or deleting one is for a signed-in facilitator").count() == 1

    open_page(page, f"{roles_server}/setup", "Set up data")
    page.get_by_text("The database is ready.").wait_for()
    for label in (
        "Build from this folder",
        "Download official files and build",
        "Check this folder",
    ):
        assert page.get_by_role("button", name=label).count() == 0
    assert page.get_by_label("Folder").count() == 0
    html = page.content()
    for path in (fixture_db, FIXTURE_SOURCES_DIR, roles_server.store):
        assert str(path) not in html
        assert str(path.parent) not in html

    open_page(page, f"{roles_server}/moderate", "Moderate insights")
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_text(NOTE).count() == 0
    assert page.get_by_role("button", name="Approve").count() == 0
    assert page.get_by_role("button", name="Backup (SQLite)").count() == 0
    assert NOTE not in page.content()


def test_a_sign_in_survives_a_reload_and_sign_out_ends_it(roles_server, desktop):
    page, context = desktop, desktop.context
    open_page(page, f"{roles_server}/moderate", "Moderate insights")
    sign_in(page)
    page.get_by_text(f"Signed in as {NAME}").wait_for(timeout=30_000)
    (cookie,) = wait_for_cookie(context, present=True)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["expires"] > time.time() + 11 * 3600  # a workshop day, then sign in again
    assert COOKIE not in page.evaluate("document.cookie")  # page scripts cannot read it

    page.reload()
    page.get_by_text(f"Signed in as {NAME}").wait_for(timeout=60_000)
    page.get_by_text(NOTE).first.wait_for()
    page.get_by_role("button", name="Backup (SQLite)").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Backup (SQLite)").click()
    assert download.value.suggested_filename == "workshop-backup.sqlite3"
    other_tab = context.new_page()  # the same browser, another tab: signed in there too
    open_page(other_tab, f"{roles_server}/framework", "The framework")
    other_tab.get_by_role("button", name="Save scenario").wait_for(timeout=30_000)
    other_tab.close()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    wait_for_cookie(context, present=False)
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_text(NOTE).count() == 0
    with workshop.connect(roles_server.store, write=False) as con:
        open_signins = con.execute(
            text("select count(*) from facilitator_signins where revoked_at is null")
        ).scalar_one()
        actions = [r[0] for r in con.execute(text("select action from facilitator_log"))]
    assert open_signins == 0
    assert actions[-3:] == ["signed in", "downloaded", "signed out"]


def test_a_forged_cookie_signs_nobody_in(roles_server, desktop):
    page = desktop
    page.context.add_cookies(
        [{"name": COOKIE, "value": "v1.forged.9999999999.secret.mac", "url": roles_server}]
    )
    open_page(page, f"{roles_server}/moderate", "Moderate insights")
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_text(NOTE).count() == 0
    wait_for_cookie(page.context, present=False)  # the page asks the server to drop it


def test_the_cookie_route_refuses_other_origins_and_unknown_codes(roles_server, desktop):
    api = desktop.context.request
    url = f"{roles_server}/api/facilitator/keep"
    foreign = api.post(url, data='{"code": "x"}', headers={"Origin": "http://evil.example"})
    assert foreign.status == 403
    unknown = api.post(url, data='{"code": "made-up"}', headers={"Origin": roles_server})
    assert unknown.status == 403
    assert "set-cookie" not in unknown.headers


def test_repeated_failures_lock_an_account_even_against_the_right_password(roles_server, desktop):
    page = desktop
    earlier = datetime.now(UTC) - timedelta(minutes=10)
    for minute in range(4):  # four wrong guesses from other browsers in the last ten minutes
        facilitators.record_failure(
            roles_server.store,
            "locked out",
            f"elsewhere-{minute}",
            now=earlier + timedelta(minutes=minute),
        )
    open_page(page, f"{roles_server}/moderate", "Moderate insights")
    sign_in(page, "Locked Out", "the fifth wrong guess")
    page.get_by_text("signing in is locked for 15 minutes").wait_for(timeout=30_000)
    sign_in(page, "Locked Out", PASSWORD)
    page.wait_for_timeout(1000)
    page.get_by_text("Too many wrong passwords").wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    log = roles_server.log.read_text()
    assert "Facilitator sign-in locked out: account 'locked out'" in log
    assert "the fifth wrong guess" not in log
