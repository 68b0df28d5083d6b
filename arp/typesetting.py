"""Text on exported pages: fonts that cover what people write (Arabic, Urdu, Panjabi in
Gurmukhi and Bengali included),
which way a paragraph runs, and lines wrapped without cutting words.

Matplotlib (3.11+) shapes text with libraqm: Arabic letters join, and a right-to-left run
is laid out right to left by the Unicode bidirectional algorithm. It needs a font with the
glyphs: DejaVu Sans has Arabic but not the Urdu letters (heh goal, yeh barree...), so Noto Sans Arabic
(Debian's fonts-noto-ui-core, or fonts-noto-core) is put first for any text in Arabic script.
Without it, Arabic still shapes with DejaVu Sans and Urdu-only letters show as boxes.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from matplotlib import font_manager

LATIN_FONT = "DejaVu Sans"
# Where Debian puts Noto Sans Arabic: fonts-noto-ui-core (1.4 MB) or fonts-noto-core.
ARABIC_FONT_FILES = (
    Path("/usr/share/fonts/truetype/noto/NotoSansArabicUI-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansArabicUI-Bold.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"),
)
ARABIC_FAMILIES = ("Noto Sans Arabic UI", "Noto Sans Arabic")


def _registered_family(files: Sequence[Path], wanted: Sequence[str]) -> str | None:
    """The first of `wanted` font families matplotlib has, after registering `files` by
    file (so a stale font cache does not hide them); None when it has none."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for path in files:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            names.add(font_manager.FontProperties(fname=str(path)).get_name())
    return next((family for family in wanted if family in names), None)


@cache
def arabic_font() -> str | None:
    """The family name of a font covering Arabic and Urdu, registered with matplotlib;
    None when none is installed."""
    return _registered_family(ARABIC_FONT_FILES, ARABIC_FAMILIES)


# Panjabi (Gurmukhi) and Bengali: DejaVu Sans has neither. Debian's fonts-noto-ui-core has
# both (and fonts-noto-core the non-UI cuts); libraqm shapes their conjuncts and vowel signs.
INDIC_FONTS = {
    # script: (first and last code point, font files, family names)
    "Gurmukhi": (
        (0x0A00, 0x0A7F),
        (
            Path("/usr/share/fonts/truetype/noto/NotoSansGurmukhiUI-Regular.ttf"),
            Path("/usr/share/fonts/truetype/noto/NotoSansGurmukhi-Regular.ttf"),
        ),
        ("Noto Sans Gurmukhi UI", "Noto Sans Gurmukhi"),
    ),
    "Bengali": (
        (0x0980, 0x09FF),
        (
            Path("/usr/share/fonts/truetype/noto/NotoSansBengaliUI-Regular.ttf"),
            Path("/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf"),
        ),
        ("Noto Sans Bengali UI", "Noto Sans Bengali"),
    ),
}


@cache
def script_font(script: str) -> str | None:
    """The family of a font for Gurmukhi or Bengali, registered with matplotlib; None when
    none is installed (the text then shows as boxes: CI installs fonts-noto-ui-core)."""
    _, files, wanted = INDIC_FONTS[script]
    return _registered_family(files, wanted)


def scripts_in(text: str) -> list[str]:
    """The Indic scripts (INDIC_FONTS) a text has letters of, in the table's order."""
    return [
        script
        for script, ((first, last), _, _) in INDIC_FONTS.items()
        if any(first <= ord(ch) <= last for ch in text)
    ]


def has_arabic_script(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) == "AL" for ch in text)


def is_right_to_left(text: str) -> bool:
    """Whether a paragraph runs right to left: its first strongly directional letter is
    Arabic-script or Hebrew (the rule of the Unicode bidirectional algorithm, P2-P3)."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def families(text: str) -> list[str]:
    """Fonts for one piece of text, in the order matplotlib tries them glyph by glyph:
    an Arabic-script text takes its letters from one Arabic font, so they join."""
    arabic = arabic_font() if has_arabic_script(text) else None
    indic = [font for script in scripts_in(text) if (font := script_font(script))]
    return [*([arabic] if arabic else []), *indic, LATIN_FONT]


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken between words (a word longer than a line
    is broken, so nothing runs off the page); paragraphs the text has are kept."""
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(
            textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False) or [""]
        )
    return lines
