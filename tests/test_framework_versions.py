"""Framework versions in the workshop store, on SQLite and PostgreSQL: every edit type
saved, reloaded and exported; invalid edits refused with every problem and nothing saved;
two facilitators editing at once; restore; import and export."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from arp import framework_versions as fv
from arp import workshop
from arp.framework import FrameworkError, load_framework, parse_framework
from arp.framework_versions import Edit
from arp.settings import REPO_ROOT
from data_loaders import SOURCES_BY_ID

CATALOGUE_INDICATOR = {
    "title": "Households in flats",
    "description": "Share of households in a flat.",
    "domain": "housing",
    "kind": "level",
    "polarity": "no_judgement",
    "measure": "proportion",
    "unit": "% of households",
    "multiplier": 100,
    "base_level": "lsoa",
    "levels": ["lsoa", "msoa", "ward", "lad", "ca"],
    "coverage": "england",
    "sources": ["census_ts045_lsoa"],
    "period": "Census 2021",
    "caveats": "",
    "catalogue": {
        "family": "census_share",
        "table": "TS045",
        "level": "lsoa",
        "category": "No cars or vans in household",
    },
}

# Each edit type, and what the reloaded and exported framework must then say.
EDITS = {
    "add_domain": (
        [Edit("add_domain", "transport", {"title": "Transport", "description": "Buses, trams."})],
        lambda f: (
            f.domains["transport"].title == "Transport"
            and f.domains["transport"].description == "Buses, trams."
        ),
    ),
    "rename_domain": (
        [Edit("rename_domain", "health", {"title": 'Health "and" wellbeing'})],
        lambda f: f.domains["health"].title == 'Health "and" wellbeing',
    ),
    "describe_domain": (
        [Edit("describe_domain", "civic", {"description": "Who is heard.\nAnd who is not."})],
        lambda f: f.domains["civic"].description == "Who is heard.\nAnd who is not.",
    ),
    "reorder_domains": (
        None,  # built from the seed's order below
        lambda f: next(iter(f.domains)) == "people",
    ),
    "retire_domain": (
        [Edit("retire_domain", "civic")],
        lambda f: "civic" not in f.domains,
    ),
    "attach_indicator": (
        [Edit("attach_indicator", "overcrowded", {"domain": "health"})],
        lambda f: f.indicators["overcrowded"].domain == "health",
    ),
    "detach_indicator": (
        [Edit("detach_indicator", "overcrowded")],
        lambda f: "overcrowded" not in f.indicators,
    ),
    "edit_indicator": (
        [
            Edit(
                "edit_indicator",
                "no_car",
                {
                    "title": "No car — آمد",
                    "description": "Said in the room (twice): 'buses' & trams.",
                    "kind": "context",
                    "polarity": "no_judgement",
                    "caveats": "Said in the room: 'buses'.",
                },
            )
        ],
        lambda f: (
            (f.indicators["no_car"].title, f.indicators["no_car"].kind)
            == ("No car — آمد", "context")
            and f.indicators["no_car"].description == "Said in the room (twice): 'buses' & trams."
        ),
    ),
    "retire_indicator": (
        [Edit("retire_indicator", "bad_health")],
        lambda f: "bad_health" not in f.indicators,
    ),
    "add_indicator": (
        [Edit("add_indicator", "flats_share", CATALOGUE_INDICATOR)],
        lambda f: (
            f.indicators["flats_share"].catalogue
            == tuple(sorted(CATALOGUE_INDICATOR["catalogue"].items()))
            and f.indicators["flats_share"].domain == "housing"
        ),
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_each_edit_round_trips_through_save_reload_and_export(store, name):
    edits, holds = EDITS[name]
    first = fv.latest(store)
    assert first.number == 1
    assert first.reason == fv.SEED_REASON
    if edits is None:
        order = list(first.document.domains)
        edits = [Edit("reorder_domains", values={"order": ["people", *order[:-1]]})]
        assert order[-1] == "people"
    saved = fv.edit(store, edits, based_on=1, by="Amina", reason=f"the room: {name}")
    assert saved.number == 2
    assert saved.saved_by == "Amina"
    workshop.dispose_all()  # reloaded as another process would
    reloaded = fv.latest(store)
    assert reloaded.number == 2
    assert reloaded.reason == f"the room: {name}"
    framework = reloaded.framework()
    assert framework.version == 2
    assert holds(framework)
    exported = fv.export_text(store, 2)
    assert holds(parse_framework(exported, SOURCES_BY_ID))
    # and the first version is unchanged: the seed file's framework
    assert fv.get(store, 1).framework().indicators == load_framework().indicators


def test_invalid_edits_list_every_problem_and_save_nothing(store):
    edits = [
        Edit("rename_domain", "health", {"title": "  "}),
        Edit("attach_indicator", "no_car", {"domain": "nowhere"}),
        Edit("edit_indicator", "bad_health", {"polarity": "sideways", "unit": "x"}),
        Edit("edit_indicator", "asian_share", {"polarity": "higher_is_worse"}),  # context
        Edit("add_domain", "Bad Id", {"title": "x"}),
        Edit("edit_indicator", "no_car", {"caveats": "see [this](https://example.org)"}),
        Edit("rename_domain", "civic", {"title": "<b>Voice</b>"}),
        # Streamlit links "WWW." whatever its case, and draws icon names: neither is saved.
        Edit("describe_domain", "access", {"description": "See WWW.evil.example"}),
        Edit("edit_indicator", "no_car", {"title": "Cars :material/lock:"}),
        Edit("retire_domain", "housing"),  # its indicators still attached
    ]
    with pytest.raises(FrameworkError) as raised:
        fv.edit(store, edits, based_on=1, by="Amina", reason="several at once")
    message = str(raised.value)
    for expected in (
        "rename_domain 'health': title cannot be empty",
        "no domain 'nowhere' to attach it to",
        "polarity 'sideways' is not one of",
        "unit cannot be edited here",
        "indicator 'asian_share': a context indicator must have polarity 'no_judgement'",
        "add_domain 'Bad Id': an id is a-z, 0-9 and _",
        "edit_indicator 'no_car': caveats cannot hold markup",
        "rename_domain 'civic': title cannot hold markup",
        "describe_domain 'access': description cannot hold markup",
        "edit_indicator 'no_car': title cannot hold markup",
        "indicator 'overcrowded': its domain 'housing' is retired",
        "indicator 'social_rented': its domain 'housing' is retired",
    ):
        assert expected in message
    assert fv.latest_number(store) == 1
    with workshop.connect(store, write=False) as con:
        assert con.execute(text("select count(*) from framework_versions")).scalar_one() == 1


def test_a_reason_is_required_and_one_line(store):
    for reason in ("", "two\nlines", "x" * 201):
        with pytest.raises(FrameworkError):
            fv.edit(store, [Edit("retire_indicator", "no_car")], based_on=1, by="A", reason=reason)
    assert fv.latest_number(store) == 1


def test_a_change_based_on_an_older_version_is_refused_naming_what_changed(store):
    fv.edit(
        store,
        [Edit("rename_domain", "housing", {"title": "Homes"})],
        based_on=1,
        by="Amina",
        reason="the room prefers homes",
        session_id="s-1",
    )
    with pytest.raises(fv.FrameworkConflict) as raised:
        fv.edit(
            store,
            [Edit("retire_indicator", "no_car")],
            based_on=1,
            by="Ben",
            reason="stale page",
        )
    message = str(raised.value)
    assert "moved on from version 1 to 2" in message
    assert "Amina" in message
    assert "session s-1" in message
    assert "the room prefers homes" in message
    assert "domain 'housing' title: 'Housing' → 'Homes'" in message
    assert fv.latest_number(store) == 2
    assert "no_car" in fv.latest(store).framework().indicators


def test_two_facilitators_saving_at_the_same_moment_one_wins_one_is_told(store):
    fv.latest(store)
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def save(who: str, title: str) -> None:
        document, _ = fv.apply(
            fv.get(store, 1).document, [Edit("rename_domain", "civic", {"title": title})]
        )
        barrier.wait()
        try:
            results[who] = fv.save(store, document, based_on=1, by=who, reason=title)
        except fv.FrameworkConflict as error:
            results[who] = error

    threads = [threading.Thread(target=save, args=(w, f"Civic ({w})")) for w in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conflicts = [r for r in results.values() if isinstance(r, fv.FrameworkConflict)]
    assert len(conflicts) == 1
    assert fv.latest_number(store) == 2
    assert [v.number for v in fv.history(store)] == [2, 1]


def test_restore_saves_an_old_version_again_and_the_diff_reads_in_words(store):
    fv.edit(
        store,
        [Edit("add_indicator", "flats_share", CATALOGUE_INDICATOR)],
        based_on=1,
        by="A",
        reason="flats",
    )
    lines = fv.diff(fv.get(store, 1).document, fv.get(store, 2).document)
    assert lines == ["indicator 'flats_share' added to 'housing': 'Households in flats'"]
    restored = fv.restore(store, 1, based_on=2, by="B")
    assert restored.number == 3
    assert restored.reason == "restored version 1"
    assert "flats_share" not in restored.framework().indicators
    assert restored.body == fv.get(store, 1).body
    assert fv.diff(fv.get(store, 2).document, restored.document) == [
        "indicator 'flats_share' removed"
    ]


def test_import_validates_first_and_export_is_what_import_reads(store, tmp_path):
    broken = fv.export_text(store).replace('kind = "level"', 'kind = "lvl"', 1)
    with pytest.raises(FrameworkError, match="kind 'lvl' is not one of"):
        fv.import_text(store, broken, by=None, reason="from the laptop")
    assert fv.latest_number(store) == 1
    edited = fv.export_text(store).replace('title = "Housing"', 'title = "Homes"', 1)
    saved = fv.import_text(store, edited, by=None, reason="from the laptop")
    assert saved.number == 2
    assert saved.framework().domains["housing"].title == "Homes"
    again = fv.import_text(store, fv.export_text(store, 2), by=None, reason="round trip")
    assert again.number == 3
    assert again.body == saved.body


def test_an_exported_file_explains_itself_as_the_seed_file_does(store):
    exported = fv.export_text(store)
    seed = (REPO_ROOT / "data" / "framework.toml").read_text(encoding="utf-8")
    # the seed's guide to every indicator field, word for word
    guide = seed[seed.index("# Indicator fields") : seed.index("\n\n[domains.")]
    assert guide in exported
    # and each domain's indicators under a line naming it, in the file's order
    assert exported.index("# --- Health & wellbeing ---") < exported.index("[indicators.")
    assert exported.index("# --- Housing ---") < exported.index("[indicators.overcrowded]")
    # comments change nothing that is read: imported again, the same framework
    again = fv.import_text(store, exported, by=None, reason="round trip")
    assert again.body == fv.get(store, 1).body
