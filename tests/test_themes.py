"""Themes on approved notes, on SQLite and PostgreSQL: free tags merged case-insensitively,
counted per domain with example notes; only approved notes; gone with their note."""

from __future__ import annotations

import pytest

from arp import insights, privacy, themes, transfer
from arp.insights import Insight


def approved(store, domain: str, words: str) -> int:
    saved = insights.save(
        store,
        Insight(area_code="E01000901", domain=domain, kind="barrier", text=words, consent=True),
    )
    insights.moderate(store, saved, "approve", "Amina")
    return saved


def test_themes_merge_whatever_their_case_and_count_per_domain(store):
    bus = approved(store, "access", "The 50 bus stops at eight")
    safe = approved(store, "access", "I do not feel safe at the stop after dark")
    late = approved(store, "policing", "Stopped twice on the way home")
    assert themes.tag(store, bus, ["Buses", "  late   night "], by="Amina") == [
        "Buses",
        "late night",
    ]
    assert themes.tag(store, safe, ["buses", "SAFETY"], by="Ben") == ["Buses", "SAFETY"]
    assert themes.tag(store, late, ["Late Night", "<b>Safety</b>"], by="Ben") == [
        "late night",
        "<b>Safety</b>",
    ]
    themes.tag(store, bus, ["BUSES"], by="Ben")  # once per note, whatever the case
    table = themes.by_domain(store)
    access = table[table["domain"] == "access"]
    assert access[["theme", "notes"]].values.tolist() == [
        ["Buses", 2],
        ["SAFETY", 1],
        ["late night", 1],
    ]
    assert access.iloc[0]["examples"] == [
        "The 50 bus stops at eight",
        "I do not feel safe at the stop after dark",
    ]
    policing = table[table["domain"] == "policing"]
    assert policing[["theme", "notes"]].values.tolist() == [["<b>Safety</b>", 1], ["late night", 1]]
    assert themes.themes_of(store, [bus]) == {bus: ["Buses", "late night"]}
    themes.untag(store, bus, "LATE NIGHT", by="Amina")
    assert themes.themes_of(store, [bus]) == {bus: ["Buses"]}


def test_only_approved_notes_are_tagged_and_a_theme_has_words(store):
    pending = insights.save(
        store,
        Insight(area_code="E01000901", domain="access", kind="barrier", text="x", consent=True),
    )
    with pytest.raises(themes.ThemeError, match="only approved"):
        themes.tag(store, pending, ["buses"], by="Amina")
    note = approved(store, "access", "y")
    # "ß" folds to "ss": 40 of them are 80 characters as a key, over the limit on both stores.
    for bad in ("   ", "x" * 61, "ß" * 40):
        with pytest.raises(themes.ThemeError):
            themes.tag(store, note, [bad], by="Amina")
    assert themes.by_domain(store).empty


def test_a_deleted_note_takes_its_themes_with_it(store):
    note = approved(store, "access", "the bus")
    themes.tag(store, note, ["buses"], by="Amina")
    privacy.delete_notes(store, [note], "Amina")
    assert themes.by_domain(store).empty
    assert themes.themes_of(store, [note]) == {}


def test_a_backup_carries_the_themes_of_notes_it_keeps(store):
    note = approved(store, "access", "the bus")
    themes.tag(store, note, ["buses"], by="Amina")
    _, manifest = transfer.backup_with_manifest(store)
    assert manifest["rows"]["insight_themes"] == 1
