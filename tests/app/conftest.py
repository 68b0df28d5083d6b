"""Starting the app under AppTest against a given database, page and query string."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT

APP = str(REPO_ROOT / "app.py")


@pytest.fixture
def app_with(monkeypatch, tmp_path):
    """start(database, source_dir=None, page=None, **query_params) -> a run AppTest."""
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.duckdb"))

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
