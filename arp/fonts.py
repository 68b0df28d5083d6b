"""The fonts for the participant pages' scripts, served by the app itself (offline venues).

Gurmukhi (Panjabi), Bengali and Arabic (Naskh) in Noto from Debian's fonts-noto-ui-core,
and Urdu in Noto Nastaliq Urdu, the style Urdu is read in, from fonts-noto-core (SIL Open
Font License; .ci/run installs both), copied into static/vendor/noto/, which Streamlit
serves at /app/static/vendor/noto/; arp/ui/language.py names them in @font-face rules
after local(), so a phone that has the font uses its own, and a browser fetches only the
fonts its page's language uses. `make` copies them, `arp app` when they are missing;
`python -m arp.fonts [folder]` by hand.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from arp import settings

DEBIAN_FONTS = Path("/usr/share/fonts/truetype/noto")
# Each file served, and the Debian package it comes from.
PACKAGES = {
    "NotoSansGurmukhiUI-Regular.ttf": "fonts-noto-ui-core",
    "NotoSansBengaliUI-Regular.ttf": "fonts-noto-ui-core",
    "NotoNaskhArabicUI-Regular.ttf": "fonts-noto-ui-core",
    "NotoNastaliqUrdu-Regular.ttf": "fonts-noto-core",  # 570 KB: only Urdu pages fetch it
}
FILES = tuple(PACKAGES)
# Both packages carry the same Noto licence text.
LICENCES = [
    Path(f"/usr/share/doc/{package}/copyright") for package in dict.fromkeys(PACKAGES.values())
]


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
    for licence in LICENCES:
        if licence.exists():
            shutil.copyfile(licence, target / "COPYRIGHT")
            break
    return missing


def install_hint(missing: list[str]) -> str:
    """The apt-get command that brings the missing fonts."""
    return "apt-get install " + " ".join(dict.fromkeys(PACKAGES[name] for name in missing))


def ensure(target: Path, say: Callable[[str], None]) -> None:
    """Copy the fonts when any is missing, saying what could not be found."""
    if all((target / name).exists() for name in FILES):
        return
    missing = copy(target)
    if missing:
        say(
            f"Fonts not found: {', '.join(missing)} ({install_hint(missing)}): "
            "Panjabi, Bengali, Urdu and Arabic pages use the phone's own fonts."
        )


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else font_dir()
    missing = copy(target)
    for name in missing:
        print(f"not found: {DEBIAN_FONTS / name} ({install_hint([name])})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
