"""Consistency of the declarations: sources, SQL files, pages and docs agree."""

from __future__ import annotations

import re

import pytest

from arp.db import build_query_requirements
from arp.settings import QUERIES_DIR
from data_loaders import SOURCES, SOURCES_BY_ID
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_source_ids_are_unique_and_plain():
    assert len(SOURCES_BY_ID) == len(SOURCES)
    assert all(re.fullmatch(r"[a-z0-9_]+", s.id) for s in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_every_source_declares_its_provenance(source):
    assert source.title
    assert source.publisher
    assert source.licence
    assert source.attribution
    assert source.landing_page.startswith("https://")
    assert source.downloads
    assert all(d.url.startswith(("https://", "http://")) for d in source.downloads)
    assert source.files
    assert source.checks


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_every_source_is_documented_in_the_readme(source):
    assert f"`{source.id}`" in README


def test_every_app_query_is_used_by_the_app():
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [
            *REPO_ROOT.glob("pages/*.py"),
            *REPO_ROOT.glob("arp/**/*.py"),
            REPO_ROOT / "app.py",
        ]
    )
    for path in (QUERIES_DIR / "app").glob("*.sql"):
        assert f'"{path.stem}"' in code, f"queries/app/{path.name} is not used"


@pytest.mark.parametrize(
    "path", sorted((QUERIES_DIR / "build").glob("*.sql")), ids=lambda p: p.name
)
def test_every_build_query_states_its_inputs(path):
    assert build_query_requirements(path), f"{path.name} needs a '-- requires:' header"


def test_every_page_is_in_the_navigation():
    app = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    for page in (REPO_ROOT / "pages").glob("*.py"):
        assert f'"pages/{page.name}"' in app


@pytest.mark.parametrize(
    "name",
    ["ARP_DB", "ARP_SOURCE_DIR", "ARP_CACHE_DIR", "areas", "sources", "population_by_ethnicity"],
)
def test_the_readme_documents_the_stable_interface(name):
    assert f"`{name}`" in README


def test_no_rejected_collective_terms_anywhere():
    # The region's own bodies reject these acronyms; spelt in parts so this file passes too.
    rejected = re.compile(r"\b(" + "BA" + "ME|" + "PO" + r"C)\b")
    files = [
        p
        for p in REPO_ROOT.rglob("*")
        if p.is_file() and p.suffix in {".py", ".md", ".sql", ".toml"}
    ]
    installed = {".venv", "node_modules", "build", ".git"}  # other people's words
    files = [p for p in files if not installed & set(p.relative_to(REPO_ROOT).parts)]
    offenders = [
        str(p.relative_to(REPO_ROOT))
        for p in files
        if rejected.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_streamlit_is_imported_only_by_the_ui_package_and_the_pages():
    allowed = {REPO_ROOT / "app.py", *REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("arp/ui/*.py")}
    for path in [*REPO_ROOT.glob("arp/**/*.py"), *REPO_ROOT.glob("data_loaders/*.py")]:
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text, f"{path.relative_to(REPO_ROOT)} imports streamlit"


def test_the_data_helpers_never_write_to_the_page():
    text = (REPO_ROOT / "arp" / "ui" / "data.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"\bst\.(\w+)", text))
    assert calls <= {"cache_data", "cache_resource"}, calls


@pytest.mark.parametrize(
    "path", sorted(QUERIES_DIR.glob("*/*.sql")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_sql_file_has_the_house_header(path):
    """First line: `-- <name>` (a build file's name after its order number); then what it
    returns, its grain and its inputs (or, for build files, what it requires)."""
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    name = re.sub(r"^\d+_(macro_)?", "", path.stem)
    assert text.startswith(f"-- {name}"), f"{path.name} should start with '-- {name}'"
    assert "grain:" in header, f"{path.name} does not state its grain"
    assert re.search(r"inputs:|requires:", header), f"{path.name} does not name its inputs"
