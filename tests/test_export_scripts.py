"""Notes in every script the participant pages offer, set in the profile PDF: each in a font
that has its letters (no box drawn for a missing glyph), and the words readable back."""

from __future__ import annotations

import re
import shutil
import subprocess

import duckdb
import pytest
from pypdf import PdfReader

from arp import exports, typesetting
from arp.framework import load_framework

# A note in each language, as a participant might write it (one sentence each, no
# lam-alef ligature or mid-line Arabic comma: poppler turns those around).
NOTES = {
    "pl": ("Latin", "Biblioteka na naszym osiedlu jest zamknięta od dwóch lat, żal."),
    "ro": ("Latin", "Biblioteca din cartierul nostru este închisă de doi ani, păcat."),
    "pa": ("Gurmukhi", "ਸਾਡੇ ਮੁਹੱਲੇ ਦੀ ਲਾਇਬ੍ਰੇਰੀ ਦੋ ਸਾਲਾਂ ਤੋਂ ਬੰਦ ਹੈ"),
    "bn": ("Bengali", "আমাদের পাড়ার গ্রন্থাগার দুই বছর ধরে বন্ধ"),
    "ur": ("Arabic", "ہمارے محلے میں بچوں کے پڑھنے کی کوئی جگہ نہیں"),
    "ar": ("Arabic", "المكتبة في حينا مغلقة منذ سنتين"),
}
FONT_NAMES = {
    "Latin": "DejaVuSans",
    "Gurmukhi": "NotoSansGurmukhi",
    "Bengali": "NotoSansBengali",
    "Arabic": "NotoSansArabic",
}


@pytest.fixture
def con(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        yield connection


def _fonts(path) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(str(path)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_every_script_is_set_in_a_font_that_has_it(con, tmp_path):
    if typesetting.script_font("Gurmukhi") is None or typesetting.arabic_font() is None:
        pytest.skip("Noto fonts missing (apt-get install fonts-noto-ui-core; CI installs it)")
    out = tmp_path / "scripts.pdf"
    exports.render_profile(
        con, load_framework(), "E01000901", out, said=[note for _, note in NOTES.values()]
    )
    fonts = _fonts(out)
    for script, name in FONT_NAMES.items():
        assert any(name in font for font in fonts), (script, fonts)
    assert not any("LastResort" in font for font in fonts)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils; CI installs it)")
    extracted = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = {re.sub("[\u202a-\u202e]", "", line).strip() for line in extracted.splitlines()}
    for code, (script, note) in NOTES.items():
        if script in ("Latin", "Arabic"):
            assert note in lines, code  # shaped, and read back in the order typed
        else:
            # Poppler repeats a shaped cluster's text once per glyph drawn ("ਸਾਸਾਡੇਡੇ" for
            # "ਸਾਡੇ"); with the repeats folded the note reads back whole, in order (these
            # sentences have no word that repeats a syllable on purpose).
            folded = {re.sub(r"(.{2,}?)\1+", r"\1", line) for line in lines}
            assert note in folded, (code, [line for line in lines if line[:1] == note[:1]])


def test_families_pick_the_script_font():
    if typesetting.script_font("Bengali") is None:
        pytest.skip("Noto fonts missing (apt-get install fonts-noto-ui-core)")
    assert typesetting.families(NOTES["bn"][1])[0] == typesetting.script_font("Bengali")
    assert typesetting.families(NOTES["pa"][1])[0] == typesetting.script_font("Gurmukhi")
    assert typesetting.families(NOTES["pl"][1]) == [typesetting.LATIN_FONT]


def test_exported_notes_keep_every_script_and_their_language(tmp_path, monkeypatch):
    import io
    import json

    import pandas as pd

    from arp import insights, transfer

    store = tmp_path / "workshop.sqlite3"
    for code, (_, note) in NOTES.items():
        saved = insights.save(
            store,
            insights.Insight(
                area_code="E01000901",
                domain="access",
                kind="barrier",
                text=note,
                consent=True,
                language=code,
            ),
        )
        insights.moderate(store, saved, "approve", "test")
    csv_bytes, json_bytes = transfer.export_approved(store)
    table = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8")
    assert dict(zip(table["language"], table["text"], strict=True)) == {
        code: note for code, (_, note) in NOTES.items()
    }
    records = json.loads(json_bytes.decode("utf-8"))
    assert [r["text"] for r in records] == [note for _, note in NOTES.values()]
    assert NOTES["ur"][1].encode() in json_bytes  # written out as is, not as \\u escapes
