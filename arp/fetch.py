"""Finding a source's files: in a local folder (a USB stick in a venue), or by downloading
the official files into a cache."""

from __future__ import annotations

import fnmatch
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from data_loaders import Source

USER_AGENT = "west-midlands-anti-racist-places/0.1 (+https://github.com/)"


class DownloadError(RuntimeError):
    """An official file could not be fetched."""


def _matches(path: Path, pattern: str) -> bool:
    if "/" in pattern:
        return fnmatch.fnmatch(path.as_posix(), pattern)
    return fnmatch.fnmatch(path.name, pattern)


def find_files(source: Source, candidates: Iterable[Path]) -> list[Path]:
    """The files for `source` among `candidates`: those of its first pattern that matches."""
    candidates = list(candidates)
    for pattern in source.files:
        matches = sorted(p for p in candidates if _matches(p, pattern))
        if matches:
            return matches if source.many_files else matches[:1]
    return []


def list_folder(folder: Path) -> list[Path]:
    """Every file below `folder`, searched recursively, as the build's candidates."""
    if not folder.is_dir():
        raise FileNotFoundError(f"source folder {folder} does not exist")
    return [p for p in folder.rglob("*") if p.is_file()]


def download_source(source: Source, cache: Path, show_progress: bool = True) -> list[Path]:
    """Download a source's official files into `cache/<source id>/` unless already there."""
    target = cache / source.id
    found = find_files(source, list_folder(target)) if target.is_dir() else []
    if found:
        return found
    target.mkdir(parents=True, exist_ok=True)
    for download in source.downloads:
        destination = target / download.file_name
        if not destination.exists():
            _fetch(download.url, destination, show_progress)
        if zipfile.is_zipfile(destination):
            _extract(destination, target, source, download.member)
    found = find_files(source, list_folder(target))
    if not found:
        raise DownloadError(
            f"downloaded {source.title} but found none of {', '.join(source.files)} in it"
        )
    return found


def _fetch(url: str, destination: Path, show_progress: bool) -> None:
    partial = destination.with_suffix(destination.suffix + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=60) as response, partial.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                desc=destination.name,
                disable=not show_progress,
            ) as bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        raise DownloadError(
            f"could not download {url}: {reason}. If this machine is offline, copy the official "
            "files into a folder and run `arp build --source-dir FOLDER` (or set ARP_SOURCE_DIR)."
        ) from error
    partial.replace(destination)


def _extract(archive: Path, target: Path, source: Source, member: str | None) -> None:
    """Extract only what the source needs: archives such as police.uk's hold every force."""
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            name = Path(info.filename)
            wanted = (
                (member and name.name == member)
                or any(_matches(name, pattern) for pattern in source.files)
                or (name.stem == Path(source.files[0]).stem)
            )  # shapefile sidecars
            if wanted and not info.is_dir():
                out = target / name
                out.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
