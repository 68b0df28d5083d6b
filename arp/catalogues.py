"""The participant pages' gettext catalogues: extract the strings, update each language's
.po, compile and check them (`make translations`, `make check-translations`).

    python -m arp.catalogues extract   # arp/locale/messages.pot from the participant pages
    python -m arp.catalogues update    # every .po: new strings added, gone ones marked obsolete
    python -m arp.catalogues compile   # every .po to build/locale/<code>/LC_MESSAGES/*.mo
    python -m arp.catalogues check     # exits 1 naming any missing, stale or broken entry

Babel's own commands would do most of this, but `pybabel update` rewrites the header and
drops the review fields (X-Reviewed-By, X-Reviewed-On), and easy-read English has no locale
of its own; so this keeps both.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from arp import i18n
from arp.framework import load_framework

ROOT = Path(__file__).parent.parent
# The participant pages and what they show: the strings every catalogue must cover.
SOURCES = (
    "pages/join.py",
    "pages/capture.py",
    "pages/vote.py",
    "pages/privacy.py",
    "arp/ui/joining.py",
    "arp/ui/language.py",
    "arp/ui/map_element.py",
    "arp/ui/widgets.py",
    "arp/i18n.py",
    "arp/insights.py",
    "arp/privacy.py",
    "arp/redaction.py",
    "arp/joining.py",
)
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "gettext": None, "ngettext": (1, 2)}
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
REVIEW_FIELDS = ("X-Review-Status", "X-Reviewed-By", "X-Reviewed-On")


def extract() -> Catalog:
    """Every translatable string of the participant pages, with where it is used."""
    catalogue = Catalog(project="West Midlands Anti-Racist Places", fuzzy=False)
    for source in SOURCES:
        path = ROOT / source
        for line, message, comments, context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            catalogue.add(
                message, locations=[(source, line)], auto_comments=comments, context=context
            )
    # The framework's domains, which the participant pages list (data/framework.toml).
    for domain in load_framework().domains.values():
        catalogue.add(
            domain.title,
            locations=[("data/framework.toml", 0)],
            auto_comments=["A domain of the Anti-Racist Places Framework."],
        )
    return catalogue


def _write(path: Path, catalogue: Catalog, review: dict[str, str] | None = None) -> None:
    out = io.BytesIO()
    write_po(out, catalogue, width=100, omit_header=False, sort_output=False)
    text = out.getvalue().decode("utf-8")
    if review is not None:
        fields = "".join(f'"{name}: {review.get(name, "")}\\n"\n' for name in REVIEW_FIELDS)
        text = text.replace('"Generated-By:', fields + '"Generated-By:', 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def review_fields(path: Path) -> dict[str, str]:
    pattern = re.compile(r'^"(X-Review[\w-]*):\s*(.*?)\\n"\s*$', re.MULTILINE)
    return dict(pattern.findall(path.read_text(encoding="utf-8"))) if path.exists() else {}


def read(code: str) -> Catalog:
    with i18n.catalogue_path(code).open("rb") as po:
        return read_po(po, locale=i18n.LANGUAGES[code].babel_locale)


def update(template: Catalog) -> None:
    """Each language's catalogue brought to the template, its translations and review kept."""
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT:
            continue
        path = i18n.catalogue_path(code)
        review = review_fields(path) or {"X-Review-Status": "draft"}
        if path.exists():
            catalogue = read(code)
            catalogue.update(template, no_fuzzy_matching=True)
        else:
            catalogue = Catalog(locale=i18n.LANGUAGES[code].babel_locale)
            catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()  # a string gone from the pages leaves the catalogue too
        catalogue.fuzzy = False  # a fuzzy header would drop its plural rule from the .mo
        catalogue.project = template.project
        catalogue.header_comment = (
            f"# {i18n.LANGUAGES[code].english_name} words of the participant pages.\n"
            "# X-Review-Status stays 'draft' until a reviewer from the community checks every\n"
            "# entry and records their name (X-Reviewed-By) and the date (X-Reviewed-On)."
        )
        _write(path, catalogue, review)


def compile_all(out_dir: Path) -> list[Path]:
    written = []
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT:
            continue
        target = out_dir / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo:
            write_mo(mo, read(code))
        written.append(target)
    return written


@dataclass(frozen=True)
class Problems:
    missing: list[str]  # on the pages, not translated (or not in the catalogue)
    stale: list[str]  # in the catalogue, no longer on the pages
    broken: list[str]  # placeholders that differ from the source, fuzzy, or plural forms short


def problems(code: str, template: Catalog) -> Problems:
    catalogue = read(code)
    wanted = {m.id: m for m in template if m.id}
    have = {m.id: m for m in catalogue if m.id}
    key = lambda mid: mid if isinstance(mid, str) else mid[0]  # noqa: E731
    missing, broken = [], []
    for mid, source in wanted.items():
        message = have.get(mid)
        strings: list[str] = []
        if message is not None and isinstance(message.string, str):
            strings = [message.string]
        elif message is not None and message.string:
            strings = list(message.string)
        if message is None or not all(strings) or not strings:
            missing.append(key(mid))
            continue
        if message.fuzzy:
            broken.append(f"fuzzy: {key(mid)}")
        if source.pluralizable and len(strings) != catalogue.num_plurals:
            broken.append(
                f"{len(strings)} plural forms, {catalogue.num_plurals} needed: {key(mid)}"
            )
        fields = i18n.placeholders(key(mid))
        for string in strings:
            if i18n.placeholders(string) != fields:
                broken.append(f"placeholders differ: {key(mid)} -> {string}")
    stale = [key(mid) for mid in have if mid not in wanted] + [
        key(mid) for mid in catalogue.obsolete
    ]
    return Problems(missing, stale, broken)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    template = extract()
    if command == "extract":
        _write(TEMPLATE, template)
        print(f"{TEMPLATE.relative_to(ROOT)}: {len(template)} strings")
    elif command == "update":
        _write(TEMPLATE, template)
        update(template)
    elif command == "compile":
        for path in compile_all(ROOT / "build" / "locale"):
            print(path.relative_to(ROOT))
    elif command == "check":
        failed = False
        for code in i18n.LANGUAGES:
            if code == i18n.DEFAULT:
                continue
            found = problems(code, template)
            for kind in ("missing", "stale", "broken"):
                for entry in getattr(found, kind):
                    failed = True
                    print(f"{code}: {kind}: {entry}")
            status = "draft" if i18n.review(code).draft else "reviewed"
            print(f"{code}: {len(template)} strings, {status}")
        return 1 if failed else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
