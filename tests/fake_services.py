"""A local HTTP server on 127.0.0.1 that plays the official services, as documented:

- files served whole, with Content-Length (and, on request, a lie about it: a truncated
  body), redirects, 404s, 503s, HTML and JSON error pages;
- the ONS Hub download API (GET /api/download/v1/items/<id>/<format>): HTTP 202 with a
  small JSON status ({"status": "ExportingData", "progressInPercent": ...}) while the
  file is prepared, then the file; with redirect=false, JSON carrying `resultUrl`;
- an ArcGIS FeatureServer layer (…/FeatureServer/0/query): returnCountOnly, paging with
  resultOffset/resultRecordCount capped at the layer's maxRecordCount, and
  `exceededTransferLimit` (top level for f=json, under `properties` for f=geojson).

Tests point a source at it with `arp.fetch.with_base_url`, so the real declared paths are
requested; urllib itself is never mocked.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    announce: int | None = None  # the Content-Length to claim; default len(body)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Route = Callable[[Request], Reply]


class FakeServices:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        services = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                return None

            def _serve(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
                    dict(self.headers.items()),
                )
                with services._lock:
                    services.requests.append(request)
                route = services.routes.get(parts.path)
                reply = route(request) if route else Reply(404, b"Not Found")
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                length = reply.announce if reply.announce is not None else len(reply.body)
                self.send_header("Content-Length", str(length))
                if reply.announce is not None and reply.announce != len(reply.body):
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = _serve
            do_HEAD = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> FakeServices:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# --- route builders ------------------------------------------------------------------------


def file(body: bytes, content_type: str = "application/octet-stream", **headers) -> Route:
    return lambda request: Reply(200, body, {"Content-Type": content_type, **headers})


def sequence(*replies: Reply) -> Route:
    """Each request gets the next reply; the last one repeats."""
    state = {"n": 0}

    def route(request: Request) -> Reply:
        reply = replies[min(state["n"], len(replies) - 1)]
        state["n"] += 1
        return reply

    return route


def redirect(location: str, status: int = 302) -> Route:
    return lambda request: Reply(status, b"", {"Location": location})


def json_reply(value, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def hub_status(state: str, progress: int | None = None, result_url: str | None = None) -> dict:
    body: dict = {"status": state}
    if progress is not None:
        body["progressInPercent"] = progress
    if result_url:
        body["resultUrl"] = result_url
    return body


def feature_layer(
    features: list[dict], max_record_count: int = 1000, count: int | None = None
) -> Route:
    """A FeatureServer layer's /query endpoint over `features` (GeoJSON Features)."""

    def route(request: Request) -> Reply:
        query = request.query
        if query.get("returnCountOnly") == "true":
            return json_reply({"count": len(features) if count is None else count})
        offset = int(query.get("resultOffset", 0))
        size = min(int(query.get("resultRecordCount", max_record_count)), max_record_count)
        page = features[offset : offset + size]
        more = offset + len(page) < len(features)
        if query.get("f") == "geojson":
            body = {"type": "FeatureCollection", "features": page}
            if more:
                body["properties"] = {"exceededTransferLimit": True}
            return json_reply(body)
        names = list(features[0]["properties"]) if features else []
        return json_reply(
            {
                "objectIdFieldName": "ObjectId",
                "fields": [{"name": name, "type": "esriFieldTypeString"} for name in names],
                "features": [{"attributes": f["properties"]} for f in page],
                "exceededTransferLimit": more,
            }
        )

    return route


def square(x: float, y: float, size: float = 0.001) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}
