"""Roles through AppTest: what changes shared state needs a signed-in facilitator, the
rest stays read-only; sign-in is throttled; sign-out and account removal end a sign-in;
every change is logged under the facilitator's name."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from arp import db, facilitators, insights, sessions, settings, workshop
from arp.insights import Insight
from tests.app.conftest import APP, FACILITATOR, PASSWORD, button, field, sign_in
from tests.conftest import FIXTURE_SOURCES_DIR


def shown_text(at) -> str:
    """Every message, caption, text and label the page shows, as one string."""
    parts = []
    for kind in ("markdown", "text", "caption", "success", "info", "warning", "error", "title"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.label) for e in at.expander]
    parts += [f"{t.label}={t.value}" for t in at.text_input]
    return "\n".join(parts)


def labels(at) -> set[str]:
    return {b.label for b in at.button} | {d.label for d in at.get("download_button")}


def logged(action=None):
    entries = workshop.facilitator_log(settings.workshop_database_path())
    entries = entries.astype(object).where(entries.notna(), None)
    rows = list(zip(entries["facilitator"], entries["action"], entries["subject"], strict=True))
    return [r for r in rows if action is None or r[1] == action]


@pytest.fixture
def page(app_with, fixture_db, facilitator_account):
    def open_page(name, **params):
        return app_with(fixture_db, page=name, **params)

    return open_page


def pending_note(words="Ring me on the number I gave"):
    return insights.save(
        settings.workshop_database_path(),
        Insight(area_code="E01000901", domain="access", kind="barrier", text=words, consent=True),
    )


# --- weighting scenarios ----------------------------------------------------------------


def test_an_anonymous_visitor_cannot_save_or_delete_a_scenario(page):
    path = settings.workshop_database_path()
    workshop.save_scenario(path, workshop.Scenario("Room dots", {"health": 2.0}), by="Ada")
    at = page("pages/framework.py")
    at.selectbox[0].select_index(1).run()  # the saved scenario, as the reviewer chose it
    at.slider[0].set_value(4.5).run()  # exploring is allowed: nothing is saved
    assert "Save scenario" not in labels(at)
    assert "Delete it" not in labels(at)
    assert not [t for t in at.text_input if t.label == "Save as"]
    assert "saving or deleting one is for a signed-in facilitator" in shown_text(at)
    assert [(s.name, s.domain_weights) for s in workshop.list_scenarios(path)][1] == (
        "Room dots",
        {"health": 2.0},
    )


def test_a_facilitator_saves_and_deletes_a_scenario_under_their_name(page):
    at = sign_in(page("pages/framework.py"))
    field(at, "Save as").set_value("Ada's room").run()
    button(at, "Save scenario").click().run()
    assert at.success[0].value == "Saved `Ada's room`."
    path = settings.workshop_database_path()
    assert [s.name for s in workshop.list_scenarios(path)] == ["Equal weights", "Ada's room"]
    at.run()  # the list is read before the page saves: the next run offers it
    at.selectbox[0].select_index(1).run()
    button(at, "Delete it").click().run()
    assert [s.name for s in workshop.list_scenarios(path)] == ["Equal weights"]
    assert logged("saved scenario") == [(FACILITATOR, "saved scenario", "Ada's room")]
    assert logged("deleted scenario") == [(FACILITATOR, "deleted scenario", "Ada's room")]


# --- set up data ------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_status_but_no_path_folder_or_build(
    app_with, fixture_db, facilitator_account, tmp_path
):
    at = app_with(fixture_db, source_dir=FIXTURE_SOURCES_DIR, page="pages/setup.py")
    assert at.success[0].value == "The database is ready."
    assert not {"Build from this folder", "Download official files and build"} & labels(at)
    assert "Check this folder" not in labels(at)
    assert not [t for t in at.text_input if t.label == "Folder"]
    assert not at.dataframe
    seen = shown_text(at)
    for path in (fixture_db, FIXTURE_SOURCES_DIR, settings.workshop_database_path(), tmp_path):
        assert str(path) not in seen
    assert "/" not in seen.replace("`arp facilitator add", "")  # no server path of any kind
    # Signed in, the same page names the database and offers the folder and the builds.
    at = sign_in(at)
    assert at.success[0].value == f"The database is ready: `{fixture_db}`"
    assert field(at, "Folder").value == str(FIXTURE_SOURCES_DIR)
    assert {"Check this folder", "Download official files and build"} <= labels(at)


def test_a_folder_is_walked_only_when_the_button_is_pressed(
    app_with, tmp_path, facilitator_account
):
    at = sign_in(app_with(tmp_path / "arp.duckdb"))
    field(at, "Folder").set_value(str(tmp_path / "nowhere"))
    at.run()  # typing, and any other rerun, walks nothing
    assert "There is no folder" not in shown_text(at)
    assert "setup_folder_check" not in at.session_state
    field(at, "Folder").set_value(str(tmp_path / "nowhere"))
    button(at, "Check this folder").click().run()
    assert f"There is no folder `{tmp_path}" in at.error[0].value


def test_a_second_build_is_refused_while_one_runs(
    app_with, fixture_db, tmp_path, facilitator_account
):
    database = tmp_path / "arp.duckdb"
    shutil.copyfile(fixture_db, database)
    with db.one_writer(database, by="Grace Hopper"):  # a build in progress, as another would
        anonymous = app_with(database, page="pages/setup.py")
        assert "A build of the database is running" in shown_text(anonymous)
        assert "Grace" not in shown_text(anonymous)
        at = sign_in(app_with(database, page="pages/setup.py"))
        assert "another build of the database is running by Grace Hopper" in shown_text(at)
        assert button(at, "Download official files and build").disabled
        assert button(at, "Build from this folder").disabled
    at.run()
    assert not button(at, "Download official files and build").disabled


# --- moderation, exports and backups -------------------------------------------------------


def test_an_anonymous_visitor_cannot_moderate_or_download_notes(page):
    note = pending_note()
    at = page("pages/moderate.py")
    assert "Ring me on the number I gave" not in shown_text(at)
    assert not labels(at) & {"Approve", "Reject", "Redact and approve", "Create session"}
    assert at.get("download_button") == []
    assert insights.listing(settings.workshop_database_path(), "pending")[
        "insight_id"
    ].tolist() == [note]


def test_a_facilitator_moderates_under_their_own_name(page):
    note = pending_note()
    at = sign_in(page("pages/moderate.py"))
    at.button(key=f"approve-{note}").click().run()
    with workshop.connect(settings.workshop_database_path(), write=False) as con:
        who = con.execute(text("select action, facilitator from moderation_log")).all()
    assert [tuple(r) for r in who] == [("approve", FACILITATOR)]
    field(at, "Title").set_value("Handsworth listening event")
    button(at, "Create session").click().run()
    assert [(w, a) for w, a, _ in logged("created session")] == [(FACILITATOR, "created session")]


def test_a_backup_is_made_on_the_press_only_while_still_signed_in(page):
    pending_note()
    at = sign_in(page("pages/moderate.py"))
    backup = next(d for d in at.get("download_button") if d.label == "Backup (SQLite)")
    assert backup.proto.url == ""  # nothing sits at a URL before the button is pressed
    assert backup.proto.deferred_file_id  # made when pressed (download_while_signed_in)


# --- signing in, throttled; signing out ------------------------------------------------------


def test_a_wrong_password_makes_the_next_try_wait(page):
    at = sign_in(page("pages/moderate.py"), password="not the password")
    assert at.error[0].value == (
        "That name and password do not match. You can try again in 1 second."
    )
    at = sign_in(at)  # at once, with the right password: not even checked
    assert at.error[0].value == "Please wait 1 second before trying again."
    assert "Sign in" in labels(at)
    time.sleep(1.1)
    at = sign_in(at)
    assert "Sign in" not in labels(at)
    assert logged("signed in") == [(FACILITATOR, "signed in", None)]


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(page):
    path = settings.workshop_database_path()
    earlier = datetime.now(UTC) - timedelta(minutes=10)
    for minutes in range(4):  # four failures from other browsers in the last 10 minutes
        facilitators.record_failure(
            path,
            facilitators.name_key(FACILITATOR),
            f"b{minutes}",
            now=earlier + timedelta(minutes=minutes),
        )
    at = sign_in(page("pages/moderate.py"), password="the fifth guess")
    assert at.error[0].value.startswith(
        "Too many wrong passwords: signing in is locked for 15 minutes"
    )
    at = sign_in(at)
    assert at.error[0].value.startswith("Too many wrong passwords: signing in is locked for")
    assert "Sign in" in labels(at)
    assert logged("signed in") == []


def test_every_page_says_in_the_sidebar_who_is_signed_in(app_with, fixture_db, facilitator_account):
    """The sidebar is drawn by app.py, which AppTest runs only on an app's first run (later
    runs, and pages opened directly, run the page alone because of the pages/ folder), so
    the sign-in is made as the form makes it, and the sign-out is clicked in Chromium
    (tests/browser/test_roles_in_chromium.py)."""
    path = settings.workshop_database_path()
    assert not app_with(fixture_db).sidebar.text  # an anonymous visitor sees no account box
    signed = facilitators.sign_in(path, FACILITATOR, PASSWORD, "test session id")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_arp_facilitator_signin"] = signed.signin_id
    at.run()
    assert [t.value for t in at.sidebar.text] == [f"Signed in as {FACILITATOR}"]
    assert at.sidebar.button(key="facilitator_sign_out").label == "Sign out"
    facilitators.sign_out(path, signed.signin_id)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_arp_facilitator_signin"] = signed.signin_id
    at.run()
    assert not at.sidebar.text
    assert "_arp_facilitator_signin" not in at.session_state


def test_removing_an_account_signs_it_out_at_the_next_click(page):
    note = pending_note()
    at = sign_in(page("pages/moderate.py"))
    assert f"approve-{note}" in {b.key for b in at.button}
    facilitators.remove_account(settings.workshop_database_path(), FACILITATOR)
    at.run()
    assert f"approve-{note}" not in {b.key for b in at.button}
    assert "No facilitator account yet" in at.error[0].value


def test_a_session_form_pressed_after_the_account_is_removed_creates_nothing(page):
    """The form's Save runs before the page's own sign-in check, so it checks again."""
    at = sign_in(page("pages/moderate.py"))
    field(at, "Title").set_value("Handsworth listening event")
    facilitators.remove_account(settings.workshop_database_path(), FACILITATOR)
    button(at, "Create session").click().run()
    assert sessions.listing(settings.workshop_database_path()) == []
    assert not at.success


def test_the_shared_password_signs_in_as_shared_password_until_there_are_accounts(
    app_with, fixture_db, monkeypatch
):
    monkeypatch.setenv("ARP_FACILITATOR_PASSWORD_HASH", insights.hash_password(PASSWORD))
    note = pending_note()
    at = app_with(fixture_db, page="pages/moderate.py")
    assert [t.label for t in at.text_input] == ["Password"]  # no name: nobody in particular
    assert "What you do is logged as 'shared password'" in shown_text(at)
    field(at, "Password").set_value(PASSWORD)
    button(at, "Sign in").click().run()
    at.button(key=f"approve-{note}").click().run()
    with workshop.connect(settings.workshop_database_path(), write=False) as con:
        who = con.execute(text("select facilitator from moderation_log")).scalar_one()
    assert who == "shared password"
    facilitators.add_account(settings.workshop_database_path(), "Ada", PASSWORD, iterations=1000)
    at.run()  # the first named account ends the shared sign-in
    assert [t.label for t in at.text_input] == ["Your name", "Password"]
