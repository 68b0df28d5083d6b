"""The map page's "Download interactive map": a button whose file is built only when it is
pressed (never during the page's run), and the function it calls, run as Streamlit runs it:
on a thread of its own, outside any page run."""

from __future__ import annotations

import dataclasses
import json
import re

from arp import view_state
from arp.ui import data, files

BUTTON = "Download interactive map"


def test_the_button_is_there_and_its_file_is_not_built_with_the_page(app_with, fixture_db):
    at = app_with(fixture_db, show="no_car", level="msoa")
    (button,) = [b for b in at.get("download_button") if b.proto.label == BUTTON]
    assert not button.proto.disabled
    assert button.proto.deferred_file_id  # a callable, run when pressed
    assert button.proto.url == ""  # no file travelled with the page


def test_the_file_is_the_view_on_screen_when_built_outside_a_page_run(
    fixture_db, monkeypatch, tmp_path
):
    monkeypatch.setenv("ARP_DB", str(fixture_db))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    state = view_state.ViewState(show="no_car", level="msoa")
    view = data.current_view(state)
    scenario = data.scenario_named(state.scenario)
    page = files.interactive_map(
        state, view, data.framework(), scenario, "https://arp.example"
    ).decode("utf-8")
    (areas, _outlines) = [json.loads(d) for d in re.findall(r"_add\((\{.*?\})\);\n", page)]
    assert len(areas["features"]) == len(view.frame) == 2
    assert "<h1>Households with no car or van</h1>" in page
    assert "MSOAs in West Midlands Combined Authority" in page


def test_the_file_links_back_to_the_framework_version_the_page_showed(
    fixture_db, monkeypatch, tmp_path
):
    # Outside a page run a link's ?fw= pin is unknown, so the page hands over its framework.
    monkeypatch.setenv("ARP_DB", str(fixture_db))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    monkeypatch.setenv("ARP_PUBLIC_URL", "https://arp.example")
    state = view_state.ViewState(show="no_car", level="msoa")
    pinned = dataclasses.replace(data.framework(), version=3)
    page = files.interactive_map(
        state,
        data.current_view(state),
        pinned,
        data.scenario_named(state.scenario),
        files.export_address(),  # outside a page run: ARP_PUBLIC_URL
    ).decode("utf-8")
    assert re.search(r"https://arp\.example/\?[^\"<]*fw=3", page)
