"""Leaflet, served by the app itself so maps draw in a venue with no internet.

Fetched once from the npm registry (the published tarball, checked against the integrity
hash npm publishes for it) into the folder Streamlit serves (settings.leaflet_dir()):
`make` does it before the first run, `arp app` when it finds Leaflet missing. When neither
the registry nor Leaflet's CDN can be reached, the maps cannot draw (their tables still
show) and `arp app` says so. `python -m arp.leaflet [folder]` fetches it by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

VERSION = "1.9.4"
TARBALL = f"https://registry.npmjs.org/leaflet/-/leaflet-{VERSION}.tgz"
# `npm view leaflet@1.9.4 dist.integrity`: the tarball's SHA-512 as the registry publishes it.
INTEGRITY = "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
CDN = f"https://unpkg.com/leaflet@{VERSION}/dist/"
USER_AGENT = "west-midlands-anti-racist-places/0.1"
MAX_BYTES = 20_000_000  # the tarball is about 1 MB

Opener = Callable[..., IO[bytes]]


class LeafletError(RuntimeError):
    """Leaflet could not be fetched or did not check out; the message says why."""


def present(folder: Path) -> bool:
    return (folder / "leaflet.js").is_file() and (folder / "leaflet.css").is_file()


def verify(data: bytes, integrity: str | None = None, what: str = "the Leaflet tarball") -> None:
    """Raise LeafletError unless `data` has the Subresource-Integrity-style hash given
    (by default the one npm publishes for Leaflet). arp.app_icon checks its tarball here too."""
    algorithm, _, expected = (integrity or INTEGRITY).partition("-")
    if algorithm not in {"sha256", "sha384", "sha512"}:
        raise LeafletError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if not hmac.compare_digest(actual, expected):
        raise LeafletError(f"{what} does not match the hash npm publishes ({algorithm} {actual})")


def extract(data: bytes, folder: Path) -> None:
    """Put the tarball's package/dist/ files into `folder`, replacing it in one rename."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=folder.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                parts = PurePosixPath(member.name).parts
                if len(parts) < 3 or parts[:2] != ("package", "dist") or not member.isfile():
                    continue
                if any(part in {"", ".", ".."} for part in parts):
                    raise LeafletError(f"unsafe path in the Leaflet tarball: {member.name}")
                target = staging.joinpath(*parts[2:])
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    continue
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
        if not present(staging):
            raise LeafletError("the Leaflet tarball has no dist/leaflet.js and leaflet.css")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def download(url: str = TARBALL, opener: Opener = urllib.request.urlopen, timeout=20) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as error:
        raise LeafletError(f"could not download {url}: {error}") from error
    if len(data) > MAX_BYTES:
        raise LeafletError(f"{url} is larger than expected")
    return data


def fetch(folder: Path, opener: Opener = urllib.request.urlopen) -> bool:
    """Make sure Leaflet is in `folder`. Returns True if it was fetched now, False if it was
    already there; raises LeafletError when it can be neither fetched nor verified."""
    if present(folder):
        return False
    data = download(TARBALL, opener)
    verify(data)
    extract(data, folder)
    return True


def cdn_reachable(opener: Opener = urllib.request.urlopen, timeout: float = 5) -> bool:
    """Whether this machine reaches Leaflet's CDN (a hint for the browser, on the same net)."""
    request = urllib.request.Request(
        CDN + "leaflet.js", method="HEAD", headers={"User-Agent": USER_AGENT}
    )
    try:
        with opener(request, timeout=timeout):
            return True
    except (urllib.error.URLError, OSError):
        return False


def ensure(folder: Path, say: Callable[[str], None], opener: Opener = urllib.request.urlopen):
    """Fetch Leaflet if missing, saying what happened and what the maps will do."""
    try:
        if fetch(folder, opener):
            say(f"Leaflet {VERSION} fetched from the npm registry (hash checked) into {folder}.")
        return
    except LeafletError as error:
        problem = str(error)
    if cdn_reachable(opener):
        say(
            f"Leaflet is not in {folder} ({problem}). Maps will load it from its CDN, {CDN}, "
            "which needs internet in the browser."
        )
    else:
        say(
            f"Leaflet is not in {folder} ({problem}), and its CDN ({CDN}) cannot be reached "
            "either: maps will not draw (the tables below them still show). Connect to the "
            f"internet and start again, or put Leaflet {VERSION}'s dist/ files in {folder}."
        )


def main(argv: list[str] | None = None) -> int:
    from arp import settings

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else settings.leaflet_dir()
    try:
        fetched = fetch(folder)
    except LeafletError as error:
        print(f"Leaflet not fetched: {error}", file=sys.stderr)
        return 1
    print(f"Leaflet {VERSION} {'fetched into' if fetched else 'already in'} {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
