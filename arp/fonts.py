"""The fonts for the participant pages' scripts, served by the app itself (offline venues).

Gurmukhi (Panjabi), Bengali and Arabic script (Urdu, Arabic) in Noto, copied from Debian's
fonts-noto-ui-core (SIL Open Font License; .ci/run installs it) into static/vendor/noto/,
which Streamlit serves at /app/static/vendor/noto/; arp/ui/language.py names them in
@font-face rules after local(), so a phone that has the font uses its own. Urdu is set in
Naskh: Noto Nastaliq Urdu is in fonts-noto-core, a much larger package, not ui-core.
`make` copies them, `arp app` when they are missing; `python -m arp.fonts [folder]` by hand.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from arp import settings

DEBIAN_FONTS = Path("/usr/share/fonts/truetype/noto")
FILES = (
    "NotoSansGurmukhiUI-Regular.ttf",
    "NotoSansBengaliUI-Regular.ttf",
    "NotoNaskhArabicUI-Regular.ttf",
)
LICENCE = Path("/usr/share/doc/fonts-noto-ui-core/copyright")


def font_dir() -> Path:
    return settings.app_dir() / "static" / "vendor" / "noto"


def copy(target: Path, source: Path = DEBIAN_FONTS) -> list[str]:
    """Copy the fonts into `target`; returns the files that were not found."""
    target.mkdir(parents=True, exist_ok=True)
    missing = []
    for name in FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, target / name)
        else:
            missing.append(name)
    if LICENCE.exists():
        shutil.copyfile(LICENCE, target / "COPYRIGHT")
    return missing


def ensure(target: Path, say: Callable[[str], None]) -> None:
    """Copy the fonts when any is missing, saying what could not be found."""
    if all((target / name).exists() for name in FILES):
        return
    missing = copy(target)
    if missing:
        say(
            f"Fonts not found: {', '.join(missing)} (apt-get install fonts-noto-ui-core): "
            "Panjabi, Bengali, Urdu and Arabic pages use the phone's own fonts."
        )


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else font_dir()
    missing = copy(target)
    for name in missing:
        print(f"not found: {DEBIAN_FONTS / name} (apt-get install fonts-noto-ui-core)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
