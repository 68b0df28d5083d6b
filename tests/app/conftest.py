"""Starting the app under AppTest against a given database, page and query string."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from arp import facilitators, settings, snapshot
from tests.conftest import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
FACILITATOR = "Test Facilitator"
PASSWORD = "a long facilitator password"


@pytest.fixture(scope="session", params=["built", "snapshot"])
def fixture_db(request, fixture_db, tmp_path_factory):
    """Every page test runs twice: on the fixture database as built, and as restored from
    its snapshot, so a snapshot lacking anything a page reads fails here."""
    if request.param == "built":
        return fixture_db
    folder = tmp_path_factory.mktemp("fixture_snapshot")
    snapshot.create(fixture_db, folder / "bundle")
    restored = folder / "arp.duckdb"
    snapshot.restore(restored, folder / "bundle")
    return restored


@pytest.fixture
def app_with(monkeypatch, tmp_path):
    """start(database, source_dir=None, page=None, **query_params) -> a run AppTest."""
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))

    def start(database, source_dir=None, page=None, **params):
        monkeypatch.setenv("ARP_DB", str(database))
        if source_dir is None:
            monkeypatch.delenv("ARP_SOURCE_DIR", raising=False)
        else:
            monkeypatch.setenv("ARP_SOURCE_DIR", str(source_dir))
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(params)
        # Open the page directly, as its link does: running the landing page first would
        # rewrite the query string with the map's own view.
        (at.switch_page(page) if page else at).run()
        assert not at.exception, at.exception
        return at

    return start


@pytest.fixture
def facilitator_account(app_with, monkeypatch):
    """A named facilitator account in the test's workshop store (and no shared password).
    Few PBKDF2 iterations: the tests sign in often; the stored count is what is checked."""
    monkeypatch.delenv("ARP_FACILITATOR_PASSWORD_HASH", raising=False)
    facilitators.add_account(
        settings.workshop_database_path(), FACILITATOR, PASSWORD, iterations=1000
    )
    return FACILITATOR


def field(at, label):
    return next(t for t in at.text_input if t.label == label)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def sign_in(at, name=FACILITATOR, password=PASSWORD):
    """Fill in and submit the sign-in form (a form: set the fields, then click, then run)."""
    field(at, "Your name").set_value(name)
    field(at, "Password").set_value(password)
    button(at, "Sign in").click().run()
    assert not at.exception, at.exception
    return at
