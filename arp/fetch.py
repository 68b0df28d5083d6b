"""Finding a source's files: in a local folder (a USB stick in a venue), or by downloading
the official files into a cache.

Every download, whatever its kind (see `data_loaders._source.FETCH_KINDS`):
- has a timeout, and is retried with back-off on connection errors, timeouts, HTTP 429
  and 5xx; other HTTP errors fail at once, naming the source and the address;
- follows redirects;
- is written to a `.part` file and renamed only once it is complete (as many bytes as
  its Content-Length announced) and of the expected type (a zip is a zip, a CSV is not
  an HTML or JSON page, GeoJSON parses and is a FeatureCollection). A failed download
  leaves nothing behind.
Standard library only (urllib); tqdm draws the progress.
"""

from __future__ import annotations

import csv
import dataclasses
import email.utils
import fnmatch
import http.client
import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tqdm import tqdm

from data_loaders import Download, Source

# What a network that is down, slow or broken raises, as against an answer from the server.
CONNECTION_ERRORS = (
    urllib.error.URLError,
    TimeoutError,
    ConnectionError,
    http.client.HTTPException,
)

USER_AGENT = "west-midlands-anti-racist-places/0.1 (+https://github.com/)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
# The ONS Hub answers with a small JSON status while it prepares a file; anything bigger
# than this is data, never a status.
STATUS_BODY_LIMIT = 64 * 1024
HUB_FAILED = {"Failed", "CompletedWithErrors"}
OFFLINE_HINT = (
    "If this machine is offline, copy the official files into a folder and run "
    "`arp build --source-dir FOLDER` (or set ARP_SOURCE_DIR)."
)
MOVED_HINT = (
    "The file may have moved: find its new address on the landing page {landing} and "
    "update the declaration in data_loaders/ (README: 'Updating a source when ONS "
    "republishes')."
)


class DownloadError(RuntimeError):
    """An official file could not be fetched."""


@dataclass(frozen=True)
class FetchPolicy:
    """Time limits and retries. Tests shrink these; the defaults suit real services."""

    timeout: float = 60.0  # seconds, for connecting and for each read
    attempts: int = 4  # per request, on connection errors, timeouts, 429 and 5xx
    backoff: float = 2.0  # first wait between attempts, doubled each time
    max_backoff: float = 60.0
    poll_interval: float = 3.0  # first wait while the ONS Hub prepares a file (x1.5 each)
    poll_deadline: float = 900.0  # overall limit for the Hub to prepare a file
    max_pages: int = 10_000  # FeatureServer paging guard


DEFAULT_POLICY = FetchPolicy()


def _matches(path: Path | PurePosixPath, pattern: str) -> bool:
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
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".part")]


def with_base_url(source: Source, base_url: str) -> Source:
    """The same source with every download address moved to `base_url` (scheme and host),
    keeping paths and queries: for a mirror, or a test server that plays the services."""
    base = urllib.parse.urlsplit(base_url)

    def move(download: Download) -> Download:
        parts = urllib.parse.urlsplit(download.url)
        url = urllib.parse.urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return dataclasses.replace(
            download, url=url, alternatives=tuple(move(a) for a in download.alternatives)
        )

    return dataclasses.replace(source, downloads=tuple(move(d) for d in source.downloads))


# --- downloading --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """What every message needs: which source, where a person can look, and the limits."""

    source_id: str
    landing_page: str
    policy: FetchPolicy
    show_progress: bool


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: http.client.HTTPMessage
    url: str
    size: int

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class _Retryable(Exception):
    """A failure worth another attempt (the message says what happened)."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


def download_source(
    source: Source,
    cache: Path,
    show_progress: bool = True,
    policy: FetchPolicy = DEFAULT_POLICY,
) -> list[Path]:
    """Download a source's official files into `cache/<source id>/` unless already there."""
    target = cache / source.id
    found = find_files(source, list_folder(target)) if target.is_dir() else []
    if found:
        return found
    target.mkdir(parents=True, exist_ok=True)
    job = _Job(source.id, source.landing_page, policy, show_progress)
    for download in source.downloads:
        _fetch_with_alternatives(job, source, download, target)
    found = find_files(source, list_folder(target))
    if not found:
        raise DownloadError(
            f"{source.id}: downloaded {source.title} but found none of "
            f"{', '.join(source.files)} in it"
        )
    return found


def _fetch_with_alternatives(job: _Job, source: Source, download: Download, target: Path):
    candidates = (download, *download.alternatives)
    errors = []
    for number, candidate in enumerate(candidates, start=1):
        try:
            _fetch_one(job, source, candidate, target)
            return
        except DownloadError as error:
            errors.append(str(error))
            if job.show_progress and number < len(candidates):
                tqdm.write(
                    f"{error}\nTrying the next declared download ({candidates[number].url})."
                )
    if len(errors) == 1:
        raise DownloadError(errors[0])
    raise DownloadError(
        f"{source.id}: every declared download failed:\n"
        + "\n".join(f"  - {message}" for message in errors)
    )


def _fetch_one(job: _Job, source: Source, download: Download, target: Path) -> None:
    destination = target / download.file_name
    if download.kind == "manual":
        raise DownloadError(
            f"{job.source_id}: there is no automatic download. {download.instructions} "
            f"Save it as {download.file_name} in a folder and run "
            f"`arp build --source-dir FOLDER`. Landing page: {job.landing_page}"
        )
    if not destination.exists():
        fetchers: dict[str, Callable[[_Job, Download, Path], None]] = {
            "direct": _fetch_file,
            "zip": _fetch_file,
            "ons_hub_item": _fetch_hub_item,
            "feature_server": _fetch_feature_server,
        }
        fetchers[download.kind](job, download, destination)
    if download.kind == "zip" or download.expected_type == "zip":
        _extract(job, destination, target, source, download)


def _partial(destination: Path) -> Path:
    return destination.with_name(destination.name + ".part")


def _fetch_file(job: _Job, download: Download, destination: Path, url: str | None = None):
    """One file at one address: stream it, check size and type, then rename."""
    url = url or download.url
    partial = _partial(destination)
    try:
        answer = _get(job, url, partial, desc=destination.name)
        if answer.status != 200:
            raise DownloadError(
                f"{job.source_id}: {url} answered HTTP {answer.status} instead of the file"
            )
        _check_type(job, url, partial, download.expected_type, answer.content_type)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


def _fetch_hub_item(job: _Job, download: Download, destination: Path) -> None:
    """The ONS Hub download API. While it prepares the file it answers 202 (or 200 with
    redirect=false) with a JSON status such as {"status": "ExportingData",
    "progressInPercent": 40}; it is asked again, with growing waits, until it sends the
    file itself (or, in a status, a `resultUrl` to fetch), within an overall deadline."""
    policy = job.policy
    deadline = time.monotonic() + policy.poll_deadline
    wait = policy.poll_interval
    last = "no answer"
    partial = _partial(destination)
    try:
        while True:
            answer = _get(job, download.url, partial, desc=destination.name)
            status = _hub_status(partial, answer)
            if status is None:
                if answer.status != 200:
                    raise DownloadError(
                        f"{job.source_id}: {download.url} answered HTTP {answer.status} "
                        "with neither the file nor a status"
                    )
                _check_type(job, download.url, partial, download.expected_type, answer.content_type)
                partial.replace(destination)
                return
            partial.unlink(missing_ok=True)  # a status is never kept as the data file
            state = str(status.get("status") or "unknown")
            if state in HUB_FAILED:
                raise DownloadError(
                    f"{job.source_id}: the ONS Hub could not prepare {download.url} "
                    f"(status {state}). " + MOVED_HINT.format(landing=job.landing_page)
                )
            if status.get("resultUrl"):
                _fetch_file(job, download, destination, url=str(status["resultUrl"]))
                return
            progress = status.get("progressInPercent")
            last = state + (f", {progress}%" if progress is not None else "")
            if time.monotonic() + wait > deadline:
                raise DownloadError(
                    f"{job.source_id}: the ONS Hub was still preparing {download.url} after "
                    f"{policy.poll_deadline:.0f} s (last status: {last}). Try again later."
                )
            if job.show_progress:
                tqdm.write(
                    f"{destination.name}: ONS is preparing the file ({last}); "
                    f"asking again in {wait:.0f} s"
                )
            time.sleep(wait)
            wait = min(wait * 1.5, policy.max_backoff)
    finally:
        partial.unlink(missing_ok=True)


def _hub_status(partial: Path, answer: _Answer) -> dict | None:
    """The Hub's JSON status, if that is what came back (else None: it is the data)."""
    if answer.status not in (200, 202) or answer.size > STATUS_BODY_LIMIT:
        return None
    try:
        body = json.loads(partial.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {} if answer.status == 202 else None
    if not isinstance(body, dict) or body.get("type") == "FeatureCollection":
        return {} if answer.status == 202 else None
    if answer.status == 202 or "status" in body or "resultUrl" in body:
        return body
    return None


def _fetch_feature_server(job: _Job, download: Download, destination: Path) -> None:
    """Every feature of an ArcGIS FeatureServer layer, in pages, merged into one file.

    Pages are asked for with resultOffset/resultRecordCount and continue while the
    service says `exceededTransferLimit` (top level in f=json, under `properties` in
    f=geojson) or a full page came back. The total is checked against the service's own
    count (returnCountOnly). Tables become CSV (f=json attributes), layers GeoJSON.
    """
    layer = download.url.rstrip("/")
    as_csv = download.expected_type == "csv"
    count = _arcgis_json(job, f"{layer}/query?where=1%3D1&returnCountOnly=true&f=json").get("count")
    params = {"where": "1=1", "outFields": "*", "resultRecordCount": str(download.page_size)}
    if as_csv:
        params.update(f="json", returnGeometry="false")
    else:
        params.update(f="geojson", outSR="4326")
    if download.order_by:
        params["orderByFields"] = download.order_by
    partial = _partial(destination)
    written = 0
    try:
        with (
            partial.open("w", encoding="utf-8", newline="") as out,
            tqdm(
                total=count if isinstance(count, int) else None,
                unit=" features",
                desc=destination.name,
                disable=not job.show_progress,
            ) as bar,
        ):
            writer = _CsvPages(out) if as_csv else _GeoJsonPages(out)
            for _ in range(job.policy.max_pages):
                query = urllib.parse.urlencode({**params, "resultOffset": str(written)})
                page = _arcgis_json(job, f"{layer}/query?{query}")
                features = page.get("features")
                if not isinstance(features, list):
                    raise DownloadError(
                        f"{job.source_id}: {layer}/query returned no 'features' list"
                    )
                if not features:
                    break
                writer.add(page, features)
                written += len(features)
                bar.update(len(features))
                exceeded = page.get("exceededTransferLimit") or (page.get("properties") or {}).get(
                    "exceededTransferLimit"
                )
                if not exceeded and len(features) < download.page_size:
                    break
            else:
                raise DownloadError(
                    f"{job.source_id}: {layer} was still paging after "
                    f"{job.policy.max_pages:,} pages"
                )
            writer.close()
        if isinstance(count, int) and written != count:
            raise DownloadError(
                f"{job.source_id}: {layer} sent {written:,} features but counts {count:,}; "
                "nothing was saved"
            )
        if written == 0:
            raise DownloadError(f"{job.source_id}: {layer} has no features; nothing was saved")
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


class _GeoJsonPages:
    """Writes features as they arrive, so a large layer is never held in memory twice."""

    def __init__(self, out):
        self.out = out
        self.first = True
        out.write('{"type": "FeatureCollection", "features": [\n')

    def add(self, page: dict, features: list) -> None:
        for feature in features:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise ValueError("a page held something that is not a GeoJSON Feature")
            self.out.write(("" if self.first else ",\n") + json.dumps(feature))
            self.first = False

    def close(self) -> None:
        self.out.write("\n]}\n")


class _CsvPages:
    """Attribute rows of f=json pages, in the layer's field order, as one CSV."""

    def __init__(self, out):
        self.writer = csv.writer(out)
        self.fields: list[str] | None = None

    def add(self, page: dict, features: list) -> None:
        if self.fields is None:
            declared = [f.get("name") for f in page.get("fields") or [] if f.get("name")]
            self.fields = declared or list((features[0].get("attributes") or {}).keys())
            self.writer.writerow(self.fields)
        for feature in features:
            attributes = feature.get("attributes") or {}
            self.writer.writerow(
                ["" if attributes.get(f) is None else attributes.get(f) for f in self.fields]
            )

    def close(self) -> None:
        return None


def _arcgis_json(job: _Job, url: str) -> dict:
    """An ArcGIS REST answer. ArcGIS reports errors inside HTTP 200 as {"error": {...}};
    server-side ones (code 5xx) are retried like HTTP 5xx."""

    def parse(body: bytes) -> dict:
        try:
            answer = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DownloadError(
                f"{job.source_id}: {url} did not answer JSON ({_looks_like(body[:512])})"
            ) from error
        if not isinstance(answer, dict):
            raise DownloadError(f"{job.source_id}: {url} answered JSON that is not an object")
        reported = answer.get("error")
        if reported:
            code = reported.get("code") if isinstance(reported, dict) else None
            message = reported.get("message") if isinstance(reported, dict) else reported
            if isinstance(code, int) and code in RETRY_STATUSES:
                raise _Retryable(f"ArcGIS error {code}: {message}")
            raise DownloadError(
                f"{job.source_id}: {url} answered ArcGIS error {code}: {message}. "
                + MOVED_HINT.format(landing=job.landing_page)
            )
        return answer

    return _with_retries(job, url, lambda: parse(_read(job, url)))


def _read(job: _Job, url: str) -> bytes:
    """A small answer in memory, with the same size check as files."""
    with _open(job, url) as response:
        expected = _content_length(response)
        body = response.read()
    if expected is not None and len(body) != expected:
        raise _Retryable(f"received {len(body):,} of the {expected:,} bytes announced (truncated)")
    return body


def _get(job: _Job, url: str, partial: Path, desc: str) -> _Answer:
    """Stream `url` into `partial`; retried as a whole on any retryable failure."""

    def attempt() -> _Answer:
        with _open(job, url) as response:
            expected = _content_length(response)
            received = 0
            with (
                partial.open("wb") as out,
                tqdm(
                    total=expected,
                    unit="B",
                    unit_scale=True,
                    desc=desc,
                    disable=not job.show_progress,
                ) as bar,
            ):
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if expected is not None and received != expected:
                raise _Retryable(
                    f"received {received:,} of the {expected:,} bytes announced (truncated)"
                )
            return _Answer(response.status, response.headers, response.geturl(), received)

    try:
        return _with_retries(job, url, attempt)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _open(job: _Job, url: str):
    """urlopen with the project's User-Agent; redirects are followed by urllib."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    )
    try:
        return urllib.request.urlopen(request, timeout=job.policy.timeout)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code in RETRY_STATUSES:
            raise _Retryable(
                f"HTTP {error.code} {error.reason}", _retry_after(error.headers)
            ) from error
        raise DownloadError(
            f"{job.source_id}: {url} answered HTTP {error.code} {error.reason}. "
            + MOVED_HINT.format(landing=job.landing_page)
        ) from error
    except CONNECTION_ERRORS as error:
        raise _Retryable(f"could not connect: {getattr(error, 'reason', error)}") from error


def _with_retries(job: _Job, url: str, action: Callable):
    policy = job.policy
    wait = policy.backoff
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except _Retryable as failure:
            last = failure
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as error:
            if isinstance(error, FileNotFoundError | PermissionError):
                raise
            last = _Retryable(f"connection failed while reading: {error}")
        if attempt < policy.attempts:
            pause = min(last.wait if last.wait is not None else wait, policy.max_backoff)
            time.sleep(pause)
            wait = min(wait * 2, policy.max_backoff)
    message = str(last)
    hint = OFFLINE_HINT if message.startswith(("could not connect", "connection failed")) else ""
    raise DownloadError(
        f"{job.source_id}: could not download {url}: {message} "
        f"(after {policy.attempts} attempt{'s' if policy.attempts > 1 else ''}); "
        f"nothing was saved. {hint}".rstrip()
    )


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(headers) -> float | None:
    value = (headers or {}).get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(when.timestamp() - time.time(), 0.0) if when else None


# --- checking what came back --------------------------------------------------------------


def _looks_like(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return "an HTML page"
    if text.startswith((b"<?xml", b"<")):
        return "an XML/HTML document"
    if text.startswith((b"{", b"[")):
        return "JSON"
    if not text:
        return "an empty body"
    return f"text starting {head[:40]!r}"


def _check_type(job: _Job, url: str, path: Path, expected: str, content_type: str) -> None:
    """Refuse what is not the expected kind of file, before it is renamed into place."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    problem = None
    if expected in ("zip", "xlsx"):
        if not zipfile.is_zipfile(path):
            problem = f"not a {expected} file: it is {_looks_like(head)}"
        elif expected == "xlsx":
            with zipfile.ZipFile(path) as bundle:
                if "[Content_Types].xml" not in bundle.namelist():
                    problem = "a zip archive, but not an Excel workbook"
    elif expected == "geojson":
        try:
            with path.open("rb") as handle:
                collection = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError):
            problem = f"not GeoJSON: it does not parse (it is {_looks_like(head)})"
        else:
            if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
                kind = collection.get("type") if isinstance(collection, dict) else "a list"
                problem = f"JSON, but not a GeoJSON FeatureCollection (type {kind!r})"
            elif not isinstance(collection.get("features"), list):
                problem = "a FeatureCollection without a features list"
    elif expected == "csv":
        looks = "binary data" if b"\x00" in head else _looks_like(head)
        if not head.strip():
            problem = "empty"
        elif looks in ("an HTML page", "an XML/HTML document", "JSON", "binary data"):
            problem = f"not a CSV file: it is {looks}"
    if problem:
        served = f" (served as {content_type})" if content_type else ""
        raise DownloadError(
            f"{job.source_id}: {url} sent something {problem}{served}; nothing was saved. "
            + MOVED_HINT.format(landing=job.landing_page)
        )


def _extract(job: _Job, archive: Path, target: Path, source: Source, download: Download) -> None:
    """Extract only what the source needs: archives such as police.uk's hold every force.
    Shapefile sidecars (.dbf, .shx, .prj, ...) follow the member they belong to."""
    with zipfile.ZipFile(archive) as bundle:
        infos = [i for i in bundle.infolist() if not i.is_dir()]
        patterns = (*download.members, *source.files)

        def wanted(name: PurePosixPath) -> bool:
            return (download.member is not None and name.name == download.member) or any(
                _matches(name, p) for p in patterns
            )

        chosen = [i for i in infos if wanted(PurePosixPath(i.filename))]
        stems = {PurePosixPath(i.filename).with_suffix("") for i in chosen}
        chosen += [
            i
            for i in infos
            if i not in chosen and PurePosixPath(i.filename).with_suffix("") in stems
        ]
        if not chosen:
            names = ", ".join(i.filename for i in infos[:5])
            raise DownloadError(
                f"{job.source_id}: {archive.name} holds none of "
                f"{', '.join(p for p in (download.member, *patterns) if p)} "
                f"(it holds {names}{', ...' if len(infos) > 5 else ''})"
            )
        for info in chosen:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise DownloadError(f"{job.source_id}: {archive.name} has an unsafe path {name}")
            out = target.joinpath(*name.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = _partial(out)
            try:
                with bundle.open(info) as src, partial.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
