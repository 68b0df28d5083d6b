"""The languages of the participant pages: which there are, which way each is written, the
browser's choice among them, and each one's catalogue (arp/locale/<code>/messages.po).

Plain logic, no Streamlit. A catalogue is compiled when first used, in memory (babel's
write_mo into gettext), from the .po in the repository: no binary file to keep in step, no
install step, and the .po a reviewer edits is what the app shows on its next start.

Every translated string is whole, with named placeholders ("{placed} of {total} dots
placed"), never pieces joined, since word order differs between languages; counts go through
ngettext with each language's plural rules (Polish three forms, Arabic six).

Review: each catalogue's header says who reviewed it (X-Reviewed-By, X-Reviewed-On). Until
both are there it is a draft and the language picker says so, in that language.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where shown."""
    return message


@dataclass(frozen=True)
class Language:
    code: str  # as `lang=` carries it, and the catalogue's folder
    native_name: str  # as its readers write it, in the picker
    english_name: str
    babel_locale: str  # plural rules, dates and numbers
    script: str  # ISO 15924, for the fonts

    @property
    def right_to_left(self) -> bool:
        return Locale.parse(self.babel_locale).character_order == "right-to-left"

    @property
    def direction(self) -> str:
        return "rtl" if self.right_to_left else "ltr"


# The Census 2021 main languages (TS024) most spoken in the West Midlands after English, and
# an easy-read English for anyone who finds the standard pages hard to read.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English", "en_GB", "Latn"),
        Language("en-easy", "Easy read English", "Easy read English", "en_GB", "Latn"),
        Language("pa", "ਪੰਜਾਬੀ", "Panjabi", "pa_Guru", "Guru"),
        Language("ur", "اردو", "Urdu", "ur", "Arab"),
        Language("pl", "Polski", "Polish", "pl", "Latn"),
        Language("ro", "Română", "Romanian", "ro", "Latn"),
        Language("bn", "বাংলা", "Bengali", "bn", "Beng"),
        Language("ar", "العربية", "Arabic", "ar", "Arab"),
    )
}
DEFAULT = "en"
# A locale's own digits, by CLDR numbering system, where it is not Latin.
NATIVE_DIGITS = {
    "beng": "০১২৩৪৫৬৭৮৯",
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "guru": "੦੧੨੩੪੫੬੭੮੯",
}
# Browsers never send "en-easy"; other tags reach one of ours by their first part.
_BROWSER_ALIASES = {"pa-guru": "pa", "pa-in": "pa", "pa-pk": None}  # Shahmukhi is not Gurmukhi


def language(code: str | None) -> Language:
    """The language a link or a session asks for; English for anything else."""
    return LANGUAGES.get((code or "").strip().lower(), LANGUAGES[DEFAULT])


def from_accept_language(header: str | None) -> str | None:
    """The first language of ours in an Accept-Language header, by its q-values (None when
    it names none of ours: the caller keeps English)."""
    if not header:
        return None
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if match := re.search(r"q\s*=\s*([0-9.]+)", params):
            try:
                quality = float(match[1])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            wanted.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(wanted):
        if tag in _BROWSER_ALIASES:
            if _BROWSER_ALIASES[tag]:
                return _BROWSER_ALIASES[tag]
            continue
        primary = tag.split("-")[0]
        if primary in LANGUAGES and primary != "en-easy":
            return primary
    return None


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Review:
    reviewer: str | None
    reviewed_on: str | None

    @property
    def draft(self) -> bool:
        return not (self.reviewer and self.reviewed_on)


_HEADER_FIELD = re.compile(r'^"(X-Reviewed-By|X-Reviewed-On):\s*(.*?)\\n"\s*$', re.MULTILINE)


def review(code: str) -> Review:
    """Who reviewed a catalogue and when, from its header (babel keeps no X- fields, so they
    are read here). English is the source: never a draft."""
    if code == DEFAULT:
        return Review("the source text", "always")
    fields = dict(_HEADER_FIELD.findall(catalogue_path(code).read_text(encoding="utf-8")))
    return Review(
        fields.get("X-Reviewed-By", "").strip() or None,
        fields.get("X-Reviewed-On", "").strip() or None,
    )


class Translator:
    """One language's words: gettext, ngettext, and its dates and numbers."""

    def __init__(self, lang: Language, catalogue: gettext.NullTranslations):
        self.language = lang
        self._catalogue = catalogue

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue.ngettext(singular, plural, count)

    def date(self, day: date) -> str:
        """'14 March 2026', in the language's own month names and order."""
        return self._digits(format_date(day, "long", locale=self.language.babel_locale))

    def number(self, value: int) -> str:
        """1,000 with the language's grouping and its usual digits (Bengali's own)."""
        return self._digits(format_decimal(value, locale=self.language.babel_locale))

    def _digits(self, text: str) -> str:
        # Babel formats with ASCII digits whatever the locale's own (CLDR: Bengali writes
        # its own digits by default; Panjabi, Urdu and Arabic, as CLDR has them, 0-9).
        system = Locale.parse(self.language.babel_locale).default_numbering_system
        own = NATIVE_DIGITS.get(system)
        return text.translate(str.maketrans("0123456789", own)) if own else text

    def isolate(self, text: str) -> str:
        """Text from elsewhere (a session's title, an area's name) set apart for the Unicode
        bidirectional algorithm (FSI ... PDI) in a right-to-left language, so that an English
        title inside an Urdu sentence keeps its place, and the numbers beside it theirs."""
        return f"\u2068{text}\u2069" if self.language.right_to_left else text

    def list(self, items: list[str]) -> str:
        """'a, b and c', joined as the language joins a list."""
        return format_list(items, locale=self.language.babel_locale)

    @property
    def draft_note(self) -> str:
        """'draft, awaiting community review', in this language, while it is one."""
        if not review(self.language.code).draft:
            return ""
        return self.gettext("draft, awaiting community review")

    @property
    def picker_label(self) -> str:
        """The language as the picker lists it: its own name, and its draft note."""
        note = self.draft_note
        if not note:
            return self.language.native_name
        return self.gettext("{language} (draft, awaiting community review)").format(
            language=self.language.native_name
        )


def compile_catalogue(code: str) -> bytes:
    """The catalogue as a .mo file's bytes (babel's compiler; fuzzy entries left out)."""
    with catalogue_path(code).open("rb") as po:
        catalogue = read_po(po, locale=LANGUAGES[code].babel_locale)
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


@cache
def translator(code: str | None) -> Translator:
    """The words of the language `code` names (English, the source text, for anything else)."""
    lang = language(code)
    if lang.code == DEFAULT:
        return Translator(lang, gettext.NullTranslations())
    return Translator(lang, gettext.GNUTranslations(io.BytesIO(compile_catalogue(lang.code))))


ENGLISH = translator(DEFAULT)


def placeholders(message: str) -> set[str]:
    """The {named} fields of a message: a translation must have the same ones."""
    return set(re.findall(r"\{([a-z_]+)\}", message))


def choices(headers: Mapping[str, str]) -> str | None:
    """The language the browser's headers ask for, if one of ours."""
    lower = {k.lower(): v for k, v in headers.items()}
    return from_accept_language(lower.get("accept-language"))
