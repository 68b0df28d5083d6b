"""The cap on one import of notes, in Chromium against the real server: the form states it
before anything is uploaded; a file at the cap is taken whole; a file one byte or one note
over it is refused with the reason, and nothing is saved."""

from __future__ import annotations

import pytest

from arp import facilitators, insights, transfer
from tests.browser.conftest import app_server
from tests.import_files import notes_csv

pytestmark = pytest.mark.browser
PASSWORD = "a long facilitator password"


@pytest.fixture(scope="module")
def facilitator_server(fixture_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("import_cap")
    workshop = folder / "workshop.sqlite3"
    facilitators.add_account(workshop, "Import Tester", PASSWORD, iterations=1000)
    with app_server(fixture_db, workshop, folder / "streamlit.log") as base:
        yield base, workshop


def pending(workshop) -> int:
    return len(insights.listing(workshop, "pending"))


def open_import_form(page, server) -> None:
    page.goto(f"{server}/moderate")
    page.get_by_label("Your name").fill("Import Tester")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Import, export, backup").wait_for(timeout=30_000)
    # The cap, stated before anything is uploaded: by the page and by the uploader itself.
    page.get_by_text(
        "A file may hold at most 1,000 notes and 2 MB: split a bigger set into several files."
    ).wait_for(timeout=10_000)
    assert "2MB per file • CSV" in page.locator("[data-testid='stFileUploader']").inner_text()


def upload(page, content: bytes) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": content}
    )


def test_a_file_at_the_cap_is_saved_whole(facilitator_server, desktop):
    server, workshop = facilitator_server
    before = pending(workshop)
    content = notes_csv(transfer.IMPORT_MAX_ROWS, transfer.IMPORT_MAX_BYTES, domain="access")
    assert len(content) == 2_000_000
    open_import_form(desktop, server)
    upload(desktop, content)
    desktop.get_by_role("button", name="Save 1000 note(s) as pending").click(timeout=60_000)
    desktop.get_by_text("Saved 1000 note(s); they wait for moderation above.").wait_for(
        timeout=60_000
    )
    assert pending(workshop) == before + 1_000


def test_a_file_one_byte_over_is_refused_before_it_is_sent(facilitator_server, desktop):
    server, workshop = facilitator_server
    before = pending(workshop)
    open_import_form(desktop, server)
    upload(desktop, notes_csv(1_000, transfer.IMPORT_MAX_BYTES + 1, place="E01000902"))
    desktop.get_by_text("File must be 2.0MB or smaller.").first.wait_for(timeout=30_000)
    desktop.wait_for_timeout(1_000)  # a rerun, had the file been sent, would show by now
    assert desktop.get_by_role("button", name="Save 1000 note(s) as pending").count() == 0
    assert pending(workshop) == before


def test_a_file_one_note_over_is_refused_with_the_reason(facilitator_server, desktop):
    server, workshop = facilitator_server
    before = pending(workshop)
    open_import_form(desktop, server)
    upload(desktop, notes_csv(transfer.IMPORT_MAX_ROWS + 1, place="E01000902", domain="access"))
    desktop.get_by_text(
        "This file cannot be imported, and nothing was saved: the file has more than 1,000 "
        "notes; a file may hold at most 1,000 notes and 2 MB: split it into several files."
    ).wait_for(timeout=30_000)
    assert desktop.get_by_role("button", name="Save 1001 note(s) as pending").count() == 0
    assert pending(workshop) == before
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
