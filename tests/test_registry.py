"""Consistency of the declarations: sources, SQL files, pages and docs agree."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from arp import maps
from arp.db import build_query_requirements
from arp.settings import QUERIES_DIR
from data_loaders import (
    REGISTRY,
    SERVICE_TYPES,
    SOURCES,
    SOURCES_BY_ID,
    RegistryError,
    ServiceType,
    TableCheck,
)
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


@pytest.mark.parametrize("source", REGISTRY.service_sources, ids=lambda s: s.id)
def test_every_point_source_declares_its_labels_and_colour(source):
    kind = source.service
    assert kind.singular
    assert kind.plural != kind.singular
    assert re.fullmatch(r"#[0-9a-f]{6}", kind.colour)
    assert "services" in source.tables


def test_the_shipped_point_sources_are_the_four_service_types():
    assert {s.id: s.service.id for s in REGISTRY.service_sources} == {
        "gp_practices": "gp_practice",
        "pharmacies": "pharmacy",
        "hospitals": "hospital",
        "libraries": "library",
    }
    assert len({kind.colour for kind in SERVICE_TYPES.values()}) == len(SERVICE_TYPES)


@pytest.mark.parametrize("kind", SERVICE_TYPES.values(), ids=lambda k: k.id)
def test_every_declared_service_type_has_a_map_style(kind):
    point = pd.DataFrame(
        {"service_type": [kind.id], "name": ["X"], "latitude": [52.5], "longitude": [-1.9]}
    )
    (overlay,) = maps.service_overlays(point)
    assert overlay["name"] == kind.label
    assert overlay["fill"] == kind.colour
    assert overlay["points"][0][3] == f"{kind.item_label}: X"


def test_labels_are_the_declared_words_not_a_chopped_plural():
    assert SERVICE_TYPES["pharmacy"].item_label == "Pharmacy"
    assert SERVICE_TYPES["library"].item_label == "Public library"
    assert SERVICE_TYPES["gp_practice"].label == "GP practices"


SERVICE_NAMED_IN_SQL = re.compile(
    r"nearest_service_km\('([a-z_]+)'\)|service_type\s*=\s*'([a-z_]+)'"
)


@pytest.mark.parametrize(
    "path", sorted((QUERIES_DIR / "indicators").glob("*.sql")), ids=lambda p: p.name
)
def test_every_service_type_an_indicator_names_is_declared(path):
    # A misspelt type would find no service and the indicator would quietly have no values.
    named = {a or b for a, b in SERVICE_NAMED_IN_SQL.findall(path.read_text(encoding="utf-8"))}
    assert named <= set(SERVICE_TYPES), f"{path.name}: undeclared {named - set(SERVICE_TYPES)}"


def test_every_raw_table_a_build_query_requires_is_declared_by_a_source():
    declared = REGISTRY.raw_tables
    for path in (QUERIES_DIR / "build").glob("*.sql"):
        raw = [t for t in build_query_requirements(path) if t.startswith("src_")]
        assert all(t in declared for t in raw), f"{path.name} requires an undeclared table"


def _school(source_id="schools", kind=None):
    """A point source to break the registry with (its loader is never run)."""
    kind = kind or ServiceType("school", "school", "schools", "#c51b7d")
    return dataclasses.replace(SOURCES_BY_ID["libraries"], id=source_id, service=kind)


def test_two_sources_declaring_one_service_type_fail_validation():
    chemists = _school("chemists", ServiceType("pharmacy", "chemist", "chemists", "#000000"))
    with pytest.raises(RegistryError) as raised:
        REGISTRY.with_sources(chemists)
    assert "service type 'pharmacy' is declared by both 'pharmacies' and 'chemists'" in str(
        raised.value
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (_school(kind=ServiceType("school", "school", "schools", "pink")), "is not #rrggbb"),
        (_school(kind=ServiceType("school", "", "schools", "#c51b7d")), "needs singular and"),
        (_school(kind=ServiceType("school", "school", "school", "#c51b7d")), "same singular"),
        (
            dataclasses.replace(_school(), checks={"schools": TableCheck()}),
            "declares service type 'school' but no checked services table",
        ),
        (
            dataclasses.replace(_school(), service=None),
            "returns a services table but declares no service type",
        ),
        (SOURCES_BY_ID["pharmacies"], "source 'pharmacies' is registered twice"),
        (_school("School-s"), "the id is not lower_snake_case"),
    ],
)
def test_a_badly_declared_source_fails_registry_validation(source, message):
    with pytest.raises(RegistryError, match=re.escape(message)):
        REGISTRY.with_sources(source)


def test_a_well_declared_source_extends_a_registry_without_changing_it():
    extended = REGISTRY.with_sources(_school())
    assert list(extended.service_types)[-1] == "school"
    assert extended.by_id["schools"].raw_tables == ("src_schools",)
    assert "school" not in SERVICE_TYPES


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


def test_every_query_parameter_a_page_reads_is_listed_for_the_crafted_link_tests():
    """tests/app/test_crafted_links.py feeds Markdown and HTML through page_state's list."""
    from arp.ui import page_state

    sources = [*REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("arp/ui/*.py"), REPO_ROOT / "app.py"]
    read = {
        name
        for path in sources
        for name in re.findall(
            r"query_params(?:\.get\(|\[)\s*[\"']([^\"']+)[\"']", path.read_text(encoding="utf-8")
        )
    }
    assert read <= set(page_state.LINK_PARAMETERS), read - set(page_state.LINK_PARAMETERS)
    # The view's own parameters are every field a link carries.
    assert set(page_state.LINK_PARAMETERS) >= set(view_state_link_fields())


def view_state_link_fields() -> set[str]:
    from arp.view_state import ViewState

    full = ViewState(area="E01000001", compare=("E01000001",), present=True, map_position="1,1,1")
    return set(full.to_params())


def test_every_csv_the_product_writes_goes_through_spreadsheet_safe():
    """A cell starting = + - @ runs as a formula in a spreadsheet: every to_csv call in the
    product is on a frame tables.spreadsheet_safe made (tests/unit/test_tables.py tests it)."""
    # arp/fetch.py writes an official lookup table as CSV for its loader, not for people.
    not_for_people = {REPO_ROOT / "arp" / "fetch.py"}
    sources = [*REPO_ROOT.glob("arp/**/*.py"), *REPO_ROOT.glob("pages/*.py")]
    unsafe = [
        f"{path.relative_to(REPO_ROOT)}: {line.strip()}"
        for path in sources
        if path not in not_for_people
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\.to_csv\(|\.to_excel\(|csv\.writer|DictWriter", line)
        and "spreadsheet_safe(" not in line
    ]
    assert unsafe == []
