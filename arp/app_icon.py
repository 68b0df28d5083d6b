"""The app's icon in the browser tab, served by the app itself.

Streamlit turns a `:material/…:` page icon into a request to Google's font server for that
icon's SVG (its frontend builds a fonts.gstatic.com address), from every page. The same
glyph, Material Symbols Rounded "diversity_3" (Apache-2.0), is in the npm package
@material-symbols/svg-400: fetched once from the npm registry, its integrity hash checked as
Leaflet's is (arp.leaflet), into static/vendor/material-symbols/ with the package's licence.
Given as a file, Streamlit puts the SVG in the page itself as a data: URL, so showing it asks
no server at all. Until it is fetched the tab shows Streamlit's own icon, also served by the
app. `make` fetches it, `arp app` when it is missing; `python -m arp.app_icon [folder]` by hand.
"""

from __future__ import annotations

import io
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from arp import leaflet, settings

PACKAGE = "@material-symbols/svg-400"
VERSION = "0.47.5"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/svg-400-{VERSION}.tgz"
# `npm view @material-symbols/svg-400@0.47.5 dist.integrity`, as the registry publishes it.
INTEGRITY = "sha512-5AHuernGbTq1uq0YDb16QabESAaiYdqgDsDqF3Nk5usqP8pEeE5Nrt11jSs4/A/D7kOz5Ci6xyXMS/DsaxY/rw=="
ICON = "diversity_3"
# Tarball member -> file kept: the one icon the app shows, and the licence it comes under.
KEPT = {f"package/rounded/{ICON}.svg": f"{ICON}.svg", "package/LICENSE": "LICENSE"}


class IconError(RuntimeError):
    """The icon could not be fetched or did not check out; the message says why."""


def icon_dir() -> Path:
    """static/vendor/material-symbols/ in the folder the app runs from (see settings.app_dir)."""
    return settings.app_dir() / "static" / "vendor" / "material-symbols"


def page_icon(folder: Path | None = None) -> str | None:
    """The icon file for st.set_page_config, or None (Streamlit's own icon) until fetched."""
    svg = (folder or icon_dir()) / f"{ICON}.svg"
    return str(svg) if svg.is_file() else None


def extract(data: bytes, folder: Path) -> None:
    """Keep only the KEPT members of the tarball, in `folder`, replacing it in one rename."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".material-symbols-", dir=folder.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                kept = KEPT.get(member.name)
                if kept is None or not member.isfile():
                    continue
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    continue
                with source, (staging / kept).open("wb") as out:
                    shutil.copyfileobj(source, out)
        missing = sorted(set(KEPT.values()) - {p.name for p in staging.iterdir()})
        if missing:
            raise IconError(f"the {PACKAGE} tarball lacks {', '.join(missing)}")
        svg = (staging / f"{ICON}.svg").read_text(encoding="utf-8")
        if not svg.lstrip().startswith("<svg"):
            raise IconError(f"{ICON}.svg in the {PACKAGE} tarball is not an SVG")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(folder: Path, opener: leaflet.Opener = urllib.request.urlopen) -> bool:
    """Make sure the icon is in `folder`: True if fetched now, False if already there."""
    if page_icon(folder):
        return False
    try:
        data = leaflet.download(TARBALL, opener)
        leaflet.verify(data, INTEGRITY, what=f"the {PACKAGE} tarball")
    except leaflet.LeafletError as error:
        raise IconError(str(error)) from error
    extract(data, folder)
    return True


def ensure(
    folder: Path, say: Callable[[str], None], opener: leaflet.Opener = urllib.request.urlopen
) -> None:
    """Fetch the icon if it is missing, saying what happened."""
    try:
        if fetch(folder, opener):
            say(
                f"The app's icon fetched from the npm registry ({PACKAGE} {VERSION}, hash checked)."
            )
    except IconError as error:
        say(f"The app's icon is not in {folder} ({error}): the tab shows Streamlit's icon.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else icon_dir()
    try:
        fetched = fetch(folder)
    except IconError as error:
        print(f"Icon not fetched: {error}", file=sys.stderr)
        return 1
    print(f"{PACKAGE} {VERSION} {ICON} {'fetched into' if fetched else 'already in'} {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
