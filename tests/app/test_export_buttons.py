"""The export buttons of the map, the area profile and Compare through AppTest: each file
is offered only when asked for (a PDF or an image takes seconds to make), is the kind it
says, and carries its context when made as the button makes it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from arp import joining, view_state
from arp.ui import files
from tests.app.conftest import button

COMPARED = "E01000901,E01000904"


def downloads(at) -> dict[str, str]:
    """Each download button's label -> the address of its file (its extension from the
    file's type), or "deferred" for a file made when pressed."""
    return {
        b.proto.label: b.proto.url or ("deferred" if b.proto.deferred_file_id else "")
        for b in at.get("download_button")
    }


def test_the_profile_pdf_is_made_when_asked_for(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/area_profile.py", area="E01000901")
    assert "Download PDF" not in downloads(at)  # not made with every run of the page
    button(at, "Prepare a PDF of this profile").click().run()
    assert not at.exception
    assert downloads(at)["Download PDF"].endswith(".pdf")


def test_the_map_offers_its_table_and_makes_its_image_when_asked(app_with, fixture_db):
    at = app_with(fixture_db, show="no_car")
    offered = downloads(at)
    assert offered["Download table (CSV)"].endswith(".csv")
    assert offered["Download interactive map"] == "deferred"
    assert "Download PNG" not in offered
    at.radio[[r.label for r in at.radio].index("Size")].set_value("square").run()
    button(at, "Prepare the image").click().run()
    assert not at.exception
    assert downloads(at)["Download PNG"].endswith(".png")


def test_compare_offers_its_chart_as_an_image(app_with, fixture_db):
    at = app_with(fixture_db, page="pages/compare.py", level="lsoa", compare=COMPARED)
    assert not at.exception
    assert downloads(at)["Download this chart (PNG)"].endswith(".png")


@pytest.fixture
def outside_a_run(fixture_db, monkeypatch, tmp_path):
    """The files as a button makes them, on the fixture database."""
    monkeypatch.setenv("ARP_DB", str(fixture_db))
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    monkeypatch.setenv("ARP_PUBLIC_URL", "https://arp.example")


def test_the_files_carry_their_context(outside_a_run):
    pdf = PdfReader(io.BytesIO(files.profile_pdf("E01000901")))
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Birmingham 001A" in first
    assert f"Page 1 of {len(pdf.pages)}" in first
    assert "https://arp.example/area_profile?" in first
    image = Image.open(io.BytesIO(files.map_image(view_state.ViewState(show="no_car"), "square")))
    assert image.format == "PNG"
    assert image.width == image.height


def test_the_files_link_back_to_the_address_the_browser_used(outside_a_run, monkeypatch):
    # As the room's join links do: in a venue the app is reached at the laptop's address,
    # and a QR code on an exported image must open that, not localhost.
    monkeypatch.delenv("ARP_PUBLIC_URL")
    used = joining.room_address(None, "http://10.0.0.5:8501/?show=no_car", {}, "unused")
    monkeypatch.setattr(files.page_state, "room_address", lambda: used)
    svg = files.map_image(view_state.ViewState(show="no_car"), "square", ".svg").decode()
    assert "http://10.0.0.5:8501/?show=no_car" in svg
    assert "localhost" not in svg
    pdf = PdfReader(io.BytesIO(files.profile_pdf("E01000901")))
    assert "http://10.0.0.5:8501/area_profile?" in " ".join(pdf.pages[0].extract_text().split())
    assert files.view_link(view_state.ViewState(), "compare") == "http://10.0.0.5:8501/compare"
