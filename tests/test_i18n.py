"""The participant pages' languages: every catalogue covers every string on those pages,
compiles, keeps each message's placeholders and plural forms; the review note; the browser's
choice; and the join link that carries the language."""

from __future__ import annotations

import gettext
import io
import re
import shutil
from datetime import date

import pytest

from arp import catalogues, i18n, joining, sessions

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]


@pytest.fixture(scope="module")
def template():
    return catalogues.extract()


def test_the_pages_strings_are_extracted(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    # one from each participant page and from the shared parts they show
    for message in (
        "Your session",  # join
        "Add what you know about a place",  # capture
        "What matters most?",  # vote
        "What is stored",  # the privacy notice
        "Find your place",  # the map's title
        "Suppressed or no data",  # the map's legend
        "{kind}: tap one, then “{action}”",  # the map's legend rows
        "An idea for action",  # kinds of note
        "a phone number",  # what redaction found
        "Housing",  # the framework's domains
    ):
        assert message in ids, message
    assert len(ids) > 120


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalogue_covers_every_string_and_no_other(template, code):
    found = catalogues.problems(code, template)
    assert found.missing == []
    assert found.stale == []
    assert found.broken == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalogue_compiles_and_translates(code, tmp_path):
    compiled = gettext.GNUTranslations(fp=io.BytesIO(i18n.compile_catalogue(code)))
    translated = compiled.gettext("Save my note")
    assert translated
    assert translated != "Save my note" or code == "en-easy"
    # the compiled file keeps the language's plural rule (a fuzzy header would drop it)
    assert compiled.info()["plural-forms"] == str(catalogues.read(code).plural_forms), code
    written = catalogues.compile_all(tmp_path)
    assert {p.parent.parent.name for p in written} == set(TRANSLATED)


def test_plural_forms_follow_each_language():
    polish = i18n.translator("pl")
    dots = (
        "You have {count} dot. Give more to what matters more.",
        "You have {count} dots. Give more to what matters more.",
    )
    assert polish.ngettext(*dots, 1).startswith("Masz {count} kropkę")
    assert polish.ngettext(*dots, 3).startswith("Masz {count} kropki")
    assert polish.ngettext(*dots, 10).startswith("Masz {count} kropek")
    arabic = i18n.translator("ar")
    forms = {arabic.ngettext(*dots, n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(forms) >= 4  # zero, one, two, few, many, other: not English's two
    romanian = i18n.translator("ro")
    assert "de buline" in romanian.ngettext(*dots, 20)
    assert "de buline" not in romanian.ngettext(*dots, 10)


def test_no_translated_string_is_built_from_pieces():
    """Whole sentences with named placeholders: no f-string or concatenation inside _()."""
    for source in catalogues.SOURCES:
        text = (catalogues.ROOT / source).read_text()
        assert not re.search(r"\b(?:_|n_|N_|gettext)\(\s*f[\"']", text), source
        assert not re.search(r"\b_\([^()]*\)\s*\+\s*_\(", text), source


def test_dates_and_numbers_in_the_language():
    day = date(2026, 3, 14)
    assert i18n.ENGLISH.date(day) == "14 March 2026"
    assert "marca" in i18n.translator("pl").date(day)
    assert i18n.translator("bn").number(1000) == "১,০০০"  # noqa: RUF001 (Bengali digits)
    assert i18n.translator("en").number(1000) == "1,000"


def test_directions():
    assert [c for c, lang in i18n.LANGUAGES.items() if lang.right_to_left] == ["ur", "ar"]
    assert i18n.language("pa").direction == "ltr"


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("ur-PK,ur;q=0.9,en-GB;q=0.8", "ur"),
        ("en-GB,en;q=0.9,pa;q=0.8", "en"),
        ("pa-IN", "pa"),
        ("pa-Guru-IN,en;q=0.5", "pa"),
        ("pa-PK", None),  # Panjabi in Shahmukhi: not the Gurmukhi catalogue
        ("de-DE,pl;q=0.7,ro;q=0.9", "ro"),  # by quality, not order
        ("bn-BD;q=0.4, ar-SA;q=0.6", "ar"),
        ("fr-FR,de;q=0.5", None),
        ("ur;q=0", None),  # refused outright
        ("", None),
        (None, None),
        ("*;q=0.1,garbage;q=x", None),
    ],
)
def test_the_browsers_language(header, chosen):
    assert i18n.from_accept_language(header) == chosen


def test_unknown_codes_are_english():
    assert i18n.language("<b>xx</b>").code == "en"
    assert i18n.language(" UR ").code == "ur"
    assert i18n.translator("zz").gettext("Save my note") == "Save my note"


def test_drafts_say_so_in_their_own_language_until_reviewed(tmp_path, monkeypatch):
    assert i18n.translator("ur").picker_label == "اردو (مسودہ، کمیونٹی کے جائزے کا منتظر)"
    assert i18n.translator("pl").draft_note == (
        "wersja robocza, czeka na sprawdzenie przez społeczność"
    )
    assert i18n.ENGLISH.picker_label == "English"
    # A reviewer's name and date in the header end the draft.
    copied = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copied)
    po = copied / "pl" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text()
        .replace('"X-Reviewed-By: \\n"', '"X-Reviewed-By: Anna Nowak, Polish Centre\\n"')
        .replace('"X-Reviewed-On: \\n"', '"X-Reviewed-On: 2026-12-01\\n"')
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", copied)
    assert i18n.review("pl") == i18n.Review("Anna Nowak, Polish Centre", "2026-12-01")
    assert not i18n.review("pl").draft
    assert i18n.translator("pl").picker_label == "Polski"
    assert i18n.review("ro").draft  # a name alone, or nothing, is not a review


def test_update_keeps_translations_and_review_fields(tmp_path, monkeypatch, template):
    copied = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copied)
    po = copied / "ro" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('"X-Reviewed-By: \\n"', '"X-Reviewed-By: Ion\\n"'))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copied)
    catalogues.update(template)
    assert '"X-Reviewed-By: Ion\\n"' in po.read_text()
    assert catalogues.problems("ro", template).missing == []
    # a string gone from the pages leaves every catalogue (no stale entry kept)
    smaller = catalogues.extract()
    smaller.delete("Save my note")
    catalogues.update(smaller)
    assert 'msgid "Save my note"' not in po.read_text()


def test_join_and_vote_links_carry_the_language():
    assert sessions.join_link("http://10.0.0.5:8501/", "Ab12", "ur") == (
        "http://10.0.0.5:8501/join?session=Ab12&lang=ur"
    )
    assert sessions.join_link("http://10.0.0.5:8501/", "Ab12") == (
        "http://10.0.0.5:8501/join?session=Ab12"
    )
    assert joining.vote_link("http://h", "Ab12", "pa") == "http://h/vote?session=Ab12&lang=pa"


def test_the_fonts_the_pages_name_are_the_ones_the_app_serves(tmp_path):
    from arp import fonts
    from arp.ui import language

    assert set(language.FONT_FILES.values()) == set(fonts.FILES)
    assert fonts.copy(tmp_path / "none", tmp_path / "no-such-folder") == list(fonts.FILES)
    absent = [name for name in fonts.FILES if not (fonts.DEBIAN_FONTS / name).exists()]
    assert (
        fonts.install_hint(list(fonts.FILES))
        == "apt-get install fonts-noto-ui-core fonts-noto-core"
    )
    if absent:
        pytest.skip(f"{fonts.install_hint(absent)} has not been run here (CI runs it)")
    assert fonts.copy(tmp_path / "served") == []
    assert {p.name for p in (tmp_path / "served").glob("*.ttf")} == set(fonts.FILES)


def test_titles_are_set_apart_in_right_to_left_sentences():
    urdu = i18n.translator("ur")
    caption = urdu.gettext("Session: {title} · {date}").format(
        title=urdu.isolate("Soho Road 2"), date=urdu.date(date(2026, 12, 1))
    )
    assert caption == "سیشن: \u2068Soho Road 2\u2069 · 1 دسمبر، 2026"
    assert i18n.translator("pl").isolate("Soho Road 2") == "Soho Road 2"
