"""`arp build` replacing the public database while the app runs and pages are open: the next
interaction in an open page shows the new data (no restart, no reload), nothing errs in the
page or the server's log, and the server keeps no handle on the replaced files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import app_server
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser
AREAS = ".arp-map path.leaflet-interactive"
TS045 = Path("census") / "census2021-ts045-lsoa.csv"
# Birmingham 001A in the fixture: 300 of 600 households without a car (50.0 %).
FIXTURE_ROW = "2021,Birmingham 001A,E01000901,600,300,200,80,20"


def handles_on(pid: int, database: Path) -> tuple[int, int]:
    """How many file descriptors the process holds on the database file in place, and on
    replaced copies of it (unlinked: the kernel names them '<path> (deleted)')."""
    current = replaced = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while we looked
            continue
        current += target == str(database)
        replaced += target == f"{database} (deleted)"
    return current, replaced


def rebuild_with_no_car_households(sources: Path, database: Path, households: int) -> None:
    """`arp build --only census_ts045_lsoa` with Birmingham 001A's no-car count changed: the
    real command, a temporary file renamed over the database."""
    table = sources / TS045
    text = table.read_text(encoding="utf-8")
    row = re.search(r"^2021,Birmingham 001A,E01000901,.*$", text, re.MULTILINE)
    assert row, text
    changed = f"2021,Birmingham 001A,E01000901,600,{households},{500 - households},80,20"
    table.write_text(text.replace(row.group(0), changed), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from arp.cli import main; sys.exit(main(sys.argv[1:]))",
            "build",
            "--source-dir",
            str(sources),
            "--db",
            str(database),
            "--only",
            "census_ts045_lsoa",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def first_area_tooltip(page) -> str:
    page.mouse.move(1, 1)  # off the map, so the next hover opens a fresh tooltip
    page.wait_for_selector(".leaflet-tooltip", state="detached", timeout=10_000)
    page.locator(AREAS).first.hover()
    tooltip = page.locator(".leaflet-tooltip").last  # the newest, if one is still fading
    tooltip.wait_for(timeout=10_000)
    return tooltip.inner_text()


def tooltip_once_it_says(page, words: str, seconds: float = 20) -> str:
    """The first area's tooltip, hovered again until it says `words` (the rerun's map may
    arrive a moment after the URL changed) or the time is up: then the tooltip as it is."""
    deadline = time.monotonic() + seconds
    while True:
        text = first_area_tooltip(page)
        if words in text or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(300)


def wait_for_no_replaced_handles(pid: int, database: Path) -> tuple[int, int]:
    """The handles once the last run on an old file has ended (a run releases its file when
    it finishes, a moment after its map is drawn)."""
    deadline = time.monotonic() + 15
    while True:
        held = handles_on(pid, database)
        if held[1] == 0 or time.monotonic() > deadline:
            return held
        time.sleep(0.2)


@pytest.fixture
def rebuilt_server(fixture_db, fixture_sources_copy, tmp_path):
    """`arp app`'s server (serve.py) on a database of its own, which the test rebuilds."""
    database = tmp_path / "arp.duckdb"
    database.write_bytes(fixture_db.read_bytes())
    assert FIXTURE_ROW in (fixture_sources_copy / TS045).read_text(encoding="utf-8")
    with app_server(database, tmp_path / "workshop.sqlite3", tmp_path / "streamlit.log") as server:
        yield server, database, fixture_sources_copy


def test_open_pages_show_each_rebuild_and_replaced_files_are_closed(rebuilt_server, desktop):
    server, database, sources = rebuilt_server
    desktop.goto(f"{server}/?show=no_car")
    desktop.wait_for_selector(AREAS, timeout=30_000)
    assert "50.0 % of households" in first_area_tooltip(desktop)
    # A second page (its own session) stays open, untouched, through every rebuild.
    idle = desktop.context.new_page()
    idle.goto(f"{server}/?show=no_car")
    idle.wait_for_selector(AREAS, timeout=30_000)
    assert handles_on(server.pid, database) == (1, 0)

    held = []
    schemes = {
        "equal_interval": "Equal intervals",
        "natural_breaks": "Natural breaks (Fisher-Jenks)",
        "quantiles": "Quintiles (fifths of areas)",
    }
    for households, (param, scheme) in zip((150, 60, 240), schemes.items(), strict=True):
        rebuild_with_no_car_households(sources, database, households)
        choose(desktop, "Classes", scheme)  # the next interaction in the open page
        desktop.wait_for_url(re.compile(f"scheme={param}"), timeout=30_000)
        share = f"{households / 600 * 100:.1f} % of households"
        assert share in tooltip_once_it_says(desktop, share)
        assert desktop.locator(AREAS).count() == 4  # the map redrawn whole
        held.append(wait_for_no_replaced_handles(server.pid, database))
    assert held == [(1, 0)] * 3

    # The page left open through all three rebuilds shows the latest on its next interaction.
    choose(idle, "Classes", "Equal intervals")
    idle.wait_for_url(re.compile("scheme=equal_interval"), timeout=30_000)
    assert "40.0 % of households" in tooltip_once_it_says(idle, "40.0 % of households")
    assert wait_for_no_replaced_handles(server.pid, database) == (1, 0)

    for page in (desktop, idle):
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert "Exception" not in log, log[-3000:]
    idle.close()
