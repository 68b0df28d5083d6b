"""`pip install .` gives a working app, away from the checkout: the wheel carries the
queries, the framework, the pages and the map's JS/CSS, and `arp app` serves Leaflet.

Slow (a wheel build, a venv, a server): `make test-fast` leaves it out. Offline: the wheel
is built with this venv's setuptools and installed with --no-deps --no-index into a fresh
venv that borrows this venv's third-party packages (a .pth line, which adds their folder
but not this venv's editable install of the checkout)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow
# What the wheel is built from: the files a clean checkout has for it.
PROJECT = [
    "pyproject.toml",
    "README.md",
    "app.py",
    "serve.py",
    "arp",
    "data_loaders",
    "pages",
    "queries",
]
PROJECT_FILES = ["data/framework.toml", ".streamlit/config.toml"]


def run(command, **options) -> subprocess.CompletedProcess:
    # Never the checkout on the path (PYTHONPATH=. in a developer's shell would show pip the
    # checkout's egg-info as the project already installed, and install nothing).
    env = {k: v for k, v in options.pop("env", os.environ).items() if k != "PYTHONPATH"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, **options
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the project's wheel installed in it; returns the venv."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PROJECT:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    for name in PROJECT_FILES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, source])
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    run([*pip, "--python", python, "install", "--no-deps", "--no-index", *wheels.glob("*.whl")])
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    (Path(site.stdout.strip()) / "_borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    return venv


@pytest.fixture
def away(tmp_path, fixture_db) -> dict:
    """Run from an empty folder, with no path back to the checkout, on the fixture data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARP_", "PYTHON", "XDG_"))}
    env.update(
        ARP_DB=str(fixture_db),
        ARP_WORKSHOP_DB=str(tmp_path / "workshop.sqlite3"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "share"),
    )
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return {"cwd": folder, "env": env}


def test_the_arp_command_is_installed(installed, away):
    result = run([installed / "bin" / "arp", "--help"], **away)
    assert "build" in result.stdout
    assert "app" in result.stdout


CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import arp
    from arp import db, settings
    from arp.framework import load_framework

    framework = load_framework()
    print(json.dumps({
        "package": arp.__file__,
        "installed": settings.INSTALLED,
        "app_root": str(settings.APP_ROOT),
        "queries": sorted(p.relative_to(settings.QUERIES_DIR).as_posix()
                          for p in settings.QUERIES_DIR.rglob("*.sql")),
        "indicators": len(framework.indicators),
        "area_names": len(db.sql("area_names")),
        "pages": sorted(p.name for p in (settings.APP_ROOT / "pages").glob("*.py")),
        "js": (Path(arp.__file__).parent / "area_map.js").is_file(),
        "data_dir": str(settings.data_dir()),
        "leaflet": str(settings.leaflet_dir()),
    }))
    """
)


def test_queries_framework_and_pages_are_found_from_the_package(installed, away):
    found = json.loads(run([installed / "bin" / "python", "-c", CHECK], **away).stdout)
    site = str(installed)
    assert found["package"].startswith(site)
    assert found["installed"] is True
    assert found["app_root"].startswith(site)
    checkout_queries = sorted(
        p.relative_to(REPO_ROOT / "queries").as_posix() for p in REPO_ROOT.glob("queries/*/*.sql")
    )
    assert found["queries"] == checkout_queries
    assert found["indicators"] > 0
    assert found["area_names"] > 0
    assert found["pages"] == sorted(p.name for p in REPO_ROOT.glob("pages/*.py"))
    assert found["js"]
    # Databases and downloads go to the user's folders, never into site-packages.
    assert found["data_dir"] == str(Path(away["env"]["XDG_DATA_HOME"]) / "arp")
    assert found["leaflet"].startswith(away["env"]["XDG_CACHE_HOME"])


APP_TEST = textwrap.dedent(
    """
    from streamlit.testing.v1 import AppTest
    from arp import settings

    at = AppTest.from_file(str(settings.APP_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    print(at.title[0].value)
    at.switch_page("pages/area_profile.py").run()
    assert not at.exception, at.exception
    """
)


def test_the_installed_app_runs_its_pages(installed, away):
    result = run([installed / "bin" / "python", "-c", APP_TEST], **away)
    assert result.stdout.strip()  # the map page's title


def test_arp_app_serves_the_installed_app_and_leaflet(installed, away):
    cache = Path(away["env"]["XDG_CACHE_HOME"])
    local = REPO_ROOT / "static" / "vendor" / "leaflet"
    if (local / "leaflet.js").is_file():  # as fetched by make: no network needed here
        shutil.copytree(local, cache / "arp" / "app" / "static" / "vendor" / "leaflet")
    icon = REPO_ROOT / "static" / "vendor" / "material-symbols"
    if icon.is_dir():  # as fetched by make
        shutil.copytree(icon, cache / "arp" / "app" / "static" / "vendor" / "material-symbols")
    port = _free_port()
    log = away["cwd"] / "arp-app.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [installed / "bin" / "arp", "app", "--server.port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            **away,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                assert process.poll() is None, log.read_text(errors="replace")
                time.sleep(0.3)
        if (local / "leaflet.js").is_file():
            url = f"{base}/app/static/vendor/leaflet/leaflet.js"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
                assert b"Leaflet" in response.read(2000)
    finally:
        process.terminate()
        process.wait(timeout=10)
