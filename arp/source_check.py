"""`arp sources check`: is every declared download still where the declaration says?

Asks each address without downloading it: a HEAD request, falling back to a ranged GET
(`Range: bytes=0-0`) where HEAD is refused; for ONS Hub items the download API's status
(`redirect=false`) and, when it names the file, that file; for FeatureServer layers a
`returnCountOnly=true` query (and the layer's last edit date). Manual downloads have
their landing page asked instead. Alternatives are asked too: a source is reachable when
any of its downloads is.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from arp.fetch import CONNECTION_ERRORS, USER_AGENT
from data_loaders import SOURCES, SOURCES_BY_ID, Download, Source

DEFAULT_TIMEOUT = 15.0
STATUS_LIMIT = 64 * 1024


@dataclass
class CheckResult:
    source_id: str
    kind: str
    url: str
    reachable: bool
    status: int | None = None  # None: no HTTP answer at all (offline, refused, timed out)
    size: str = ""
    last_modified: str = ""
    note: str = ""
    alternative: int = 0  # 0 for the declared download, n for its n-th alternative


def declared_sources(only: Sequence[str] | None = None) -> list[Source]:
    if not only:
        return list(SOURCES)
    unknown = [source_id for source_id in only if source_id not in SOURCES_BY_ID]
    if unknown:
        raise KeyError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES_BY_ID)}")
    return [SOURCES_BY_ID[source_id] for source_id in only]


def check_sources(
    sources: Sequence[Source], timeout: float = DEFAULT_TIMEOUT, workers: int = 8
) -> list[CheckResult]:
    """One result per declared download (and alternative), in declaration order."""
    jobs = [
        (source, download, number)
        for source in sources
        for primary in source.downloads
        for number, download in enumerate((primary, *primary.alternatives))
    ]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1))) as pool:
        return list(pool.map(lambda job: check_download(job[0], job[1], job[2], timeout), jobs))


def check_download(
    source: Source, download: Download, alternative: int = 0, timeout: float = DEFAULT_TIMEOUT
) -> CheckResult:
    result = CheckResult(source.id, download.kind, download.url, False, alternative=alternative)
    try:
        if download.kind == "manual":
            result.url = source.landing_page
            _probe_file(result, source.landing_page, timeout)
            result.note = "manual download: " + (download.instructions or "see the landing page")
        elif download.kind == "ons_hub_item":
            _probe_hub(result, download.url, timeout)
        elif download.kind == "feature_server":
            _probe_feature_server(result, download.url, timeout)
        else:
            _probe_file(result, download.url, timeout)
    except urllib.error.HTTPError as error:
        result.status = error.code
        result.note = f"HTTP {error.code} {error.reason}"
    except CONNECTION_ERRORS as error:
        result.note = f"no answer: {getattr(error, 'reason', error)}"
    except ValueError as error:  # an answer that is not what the service should send
        result.note = str(error)
    return result


def _open(url: str, timeout: float, method: str = "GET", headers: dict | None = None):
    request = urllib.request.Request(
        url,
        method=method,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})},
    )
    return urllib.request.urlopen(request, timeout=timeout)


def _describe(result: CheckResult, response) -> None:
    result.status = response.status
    result.last_modified = response.headers.get("Last-Modified", "")
    total = response.headers.get("Content-Range", "").rpartition("/")[2]
    # A ranged answer says "bytes 0-0/12345": the whole file's size is after the slash.
    length = total if response.status == 206 else response.headers.get("Content-Length", "")
    if length.isdigit():
        result.size = _bytes(int(length))


def _probe_file(result: CheckResult, url: str, timeout: float) -> None:
    """HEAD; where a server refuses HEAD (some answer 403, 405 or 501), a one-byte GET."""
    try:
        with _open(url, timeout, method="HEAD") as response:
            _describe(result, response)
            result.reachable = 200 <= response.status < 300
            return
    except urllib.error.HTTPError as error:
        error.close()
        if error.code in (404, 410):
            raise
    with _open(url, timeout, headers={"Range": "bytes=0-0"}) as response:
        _describe(result, response)
        result.reachable = response.status in (200, 206)


def _probe_hub(result: CheckResult, url: str, timeout: float) -> None:
    """The Hub download API with redirect=false answers a JSON status, which carries a
    `resultUrl` once the file is ready: that file is then asked for its size and date."""
    separator = "&" if "?" in url else "?"
    status_url = url if "redirect=false" in url else f"{url}{separator}redirect=false"
    with _open(status_url, timeout) as response:
        result.status = response.status
        body = response.read(STATUS_LIMIT + 1)
    try:
        status = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        status = None
    if not isinstance(status, dict) or not ({"status", "resultUrl"} & status.keys()):
        # Not a status: the service sent the data itself, which is reachable enough.
        result.reachable = result.status == 200
        result.note = "answered with the file itself"
        return
    state = status.get("status", "")
    result.note = f"Hub status: {state}" if state else ""
    if state in ("Failed", "CompletedWithErrors"):
        return
    result.reachable = result.status in (200, 202)
    if status.get("resultUrl"):
        file_result = CheckResult(result.source_id, result.kind, status["resultUrl"], False)
        _probe_file(file_result, status["resultUrl"], timeout)
        result.size, result.last_modified = file_result.size, file_result.last_modified
        result.reachable = file_result.reachable


def _probe_feature_server(result: CheckResult, layer_url: str, timeout: float) -> None:
    layer = layer_url.rstrip("/")
    count = _arcgis(f"{layer}/query?where=1%3D1&returnCountOnly=true&f=json", timeout, result)
    if not isinstance(count.get("count"), int):
        raise ValueError("the count query answered no count")
    result.size = f"{count['count']:,} features"
    result.reachable = True
    try:
        info = _arcgis(f"{layer}?f=json", timeout, CheckResult("", "", "", False))
    except (urllib.error.URLError, ValueError, TimeoutError, http.client.HTTPException):
        return
    edited = (info.get("editingInfo") or {}).get("lastEditDate")
    if isinstance(edited, int | float):
        stamp = datetime.fromtimestamp(edited / 1000, UTC)
        result.last_modified = stamp.strftime("%a, %d %b %Y %H:%M:%S GMT")


def _arcgis(url: str, timeout: float, result: CheckResult) -> dict:
    with _open(url, timeout) as response:
        result.status = response.status
        body = response.read()
    try:
        answer = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("answered something that is not JSON") from error
    if not isinstance(answer, dict):
        raise ValueError("answered JSON that is not an object")
    if answer.get("error"):
        reported = answer["error"]
        code = reported.get("code") if isinstance(reported, dict) else None
        message = reported.get("message") if isinstance(reported, dict) else reported
        if isinstance(code, int):
            result.status = code
        raise ValueError(f"ArcGIS error {code}: {message}")
    return answer


def _bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def is_offline(results: Sequence[CheckResult]) -> bool:
    """Nothing answered at all: no HTTP status from any address."""
    return bool(results) and all(r.status is None for r in results)


def unreachable_sources(results: Sequence[CheckResult]) -> list[str]:
    """Sources none of whose downloads (declared or alternative) answered as they should."""
    reachable: dict[str, bool] = {}
    for result in results:
        reachable[result.source_id] = reachable.get(result.source_id, False) or result.reachable
    return [source_id for source_id, ok in reachable.items() if not ok]


def format_table(results: Sequence[CheckResult]) -> str:
    header = ("source", "fetch kind", "reachable", "HTTP", "size", "last modified", "note / url")
    rows = [
        (
            r.source_id + (f" (alt {r.alternative})" if r.alternative else ""),
            r.kind,
            "yes" if r.reachable else "no",
            "" if r.status is None else str(r.status),
            r.size,
            r.last_modified,
            (r.note + " " if r.note and not r.reachable else "") + r.url,
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = []
    for row in (header, *rows):
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
    return "\n".join(lines)
