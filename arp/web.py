"""The HTTP side of `arp app` (serve.py), for phones on venue wifi.

- Map geometry as files named by their geometry id (a digest of the areas and the database
  version): the map fetches them over HTTP, compressed, and the browser keeps them for a
  year, so a return visit downloads no polygons at all (before, each page load carried them
  again in a websocket message).
- Streamlit's content-hashed JavaScript and CSS, and the vendored Leaflet, compressed once
  per process with brotli (gzip for a browser without it) and kept, instead of gzip
  recomputed on every request. Each keeps a one-year, immutable cache lifetime.

Plain Starlette/ASGI, no Streamlit: serve.py wires it into `st.App`.
"""

from __future__ import annotations

import gzip
import io
import json
import mimetypes
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

IMMUTABLE = "public, max-age=31536000, immutable"  # a year: each URL names one content
GEOMETRY_PATH = "arp-geometry"  # {base}/arp-geometry/<id>.json
# Brotli's best setting costs about 1 s per MB of JavaScript, paid once per file per
# process; larger files (charts this app never loads) get a faster setting.
BROTLI_BEST_BELOW = 1_500_000
MEDIA_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".woff2": "font/woff2"}
COMPRESSIBLE = {".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt", ".html", ".ttf"}


def accepted_codings(accept_encoding: str) -> set[str]:
    """The content codings a request's Accept-Encoding allows (q=0 refuses one)."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            refused = params and float(quality) == 0
        except ValueError:
            refused = False
        if coding and not refused:
            accepted.add(coding.strip())
    return accepted


@dataclass
class Compressed:
    """One body, and its brotli and gzip forms, each made when first asked for."""

    body: bytes
    media_type: str
    compressible: bool = True  # not fonts: woff2 is compressed already
    _encoded: dict[str, bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def encoded(self, coding: str) -> bytes:
        with self._lock:  # two first visitors at once compress once
            if coding not in self._encoded:
                if coding == "br":
                    quality = 11 if len(self.body) < BROTLI_BEST_BELOW else 5
                    self._encoded[coding] = brotli.compress(self.body, quality=quality)
                else:
                    self._encoded[coding] = gzip.compress(self.body, compresslevel=9, mtime=0)
            return self._encoded[coding]

    def choose(self, accept_encoding: str) -> tuple[str | None, bytes]:
        if not self.compressible:
            return None, self.body
        accepted = accepted_codings(accept_encoding)
        for coding in ("br", "gzip"):
            if coding in accepted:
                return coding, self.encoded(coding)
        return None, self.body

    def response(self, accept_encoding: str, cache_control: str = IMMUTABLE) -> Response:
        coding, body = self.choose(accept_encoding)
        headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
        if coding:
            headers["Content-Encoding"] = coding
        return Response(body, media_type=self.media_type, headers=headers)


def _guess_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class GeometryFiles:
    """Map geometry published by the page scripts, served by a route of serve.py's app.

    Kept in this process's memory (the last KEEP sets): a browser asking for one this
    process no longer holds gets a 404, and the map then asks for the geometry in its
    websocket message instead (arp/area_map.js)."""

    KEEP = 16

    def __init__(self) -> None:
        self._files: OrderedDict[str, Compressed] = OrderedDict()
        self._lock = threading.Lock()
        self.served = False  # set by serve.py's routes; `streamlit run app.py` has none

    def publish(self, geometry_id: str, payload: dict) -> None:
        with self._lock:
            if geometry_id in self._files:
                self._files.move_to_end(geometry_id)
                return
        body = json.dumps(payload, separators=(",", ":")).encode()
        compressed = Compressed(body, "application/json")
        compressed.encoded("br")  # now, in the page's script thread, not in the event loop
        with self._lock:
            self._files[geometry_id] = compressed
            while len(self._files) > self.KEEP:
                self._files.popitem(last=False)

    def get(self, geometry_id: str) -> Compressed | None:
        with self._lock:
            return self._files.get(geometry_id)

    def url(self, geometry_id: str, base_url_path: str = "") -> str:
        prefix = "/".join(p for p in (base_url_path.strip("/"), GEOMETRY_PATH) if p)
        return f"/{prefix}/{geometry_id}.json"

    def publisher(self, base_url_path: str = "") -> Callable[[str, dict], str] | None:
        """What maps.choropleth takes to put geometry in files, or None when no route
        serves them (the geometry then travels in the websocket message)."""
        if not self.served:
            return None

        def publish(geometry_id: str, payload: dict) -> str:
            self.publish(geometry_id, payload)
            return self.url(geometry_id, base_url_path)

        return publish

    async def endpoint(self, request: Request) -> Response:
        name = request.path_params["name"]
        found = self.get(name.removesuffix(".json")) if name.endswith(".json") else None
        if found is None:
            return Response("no such geometry here", 404, headers={"Cache-Control": "no-store"})
        from anyio import to_thread  # a first gzip of a large file must not block the loop

        return await to_thread.run_sync(found.response, request.headers.get("accept-encoding", ""))

    def routes(self) -> list[Route]:
        """The route at the root and under a base URL path (server.baseUrlPath)."""
        self.served = True
        return [
            Route(f"/{GEOMETRY_PATH}/{{name}}", self.endpoint, methods=["GET"]),
            Route(f"/{{base:path}}/{GEOMETRY_PATH}/{{name}}", self.endpoint, methods=["GET"]),
        ]


GEOMETRY = GeometryFiles()


class CompressedFiles:
    """ASGI middleware: GET requests for files under known URL prefixes are answered from
    a per-process cache of their compressed forms; everything else passes through.

    `folders` maps a URL prefix (after any base URL path) to (folder, cache-control).
    Cache-control None keeps Streamlit's answer for that prefix: its hashed bundle is
    immutable; the app's own static files are immutable only when the URL carries a
    version (`?v=`, see maps.leaflet_urls), and otherwise left to revalidate."""

    def __init__(
        self,
        app: ASGIApp,
        folders: dict[str, tuple[Path, str | None]],
        substitutes: Mapping[Path, Callable[[], bytes]] | None = None,
    ) -> None:
        self.app = app
        self.folders = {prefix: (folder.resolve(), cc) for prefix, (folder, cc) in folders.items()}
        # Files served with other content under the same name (the icon font's subset).
        self.substitutes = {path.resolve(): make for path, make in (substitutes or {}).items()}
        self._files: dict[Path, Compressed] = {}
        self._making: dict[Path, threading.Lock] = {}
        self._lock = threading.Lock()
        for path in self.substitutes:  # made in the background from the start (seconds)
            threading.Thread(target=self._compressed, args=(path,), daemon=True).start()

    def _find(self, path: str) -> tuple[Path, str | None] | None:
        for prefix, (folder, cache_control) in self.folders.items():
            base, found, relative = path.partition(prefix)
            if not found or (base and not base.startswith("/")):
                continue  # before the prefix there may be a base URL path, nothing else
            candidate = (folder / relative).resolve()
            if (
                candidate.is_relative_to(folder)
                and (candidate.suffix in COMPRESSIBLE or candidate in self.substitutes)
                and candidate.is_file()
            ):
                return candidate, cache_control
        return None

    def _compressed(self, path: Path) -> Compressed:
        with self._lock:
            making = self._making.setdefault(path, threading.Lock())
        with making:  # a file asked for twice at once is read (or made) once
            found = self._files.get(path)
            if found is None:
                make = self.substitutes.get(path)
                body = make() if make else path.read_bytes()
                found = Compressed(body, MEDIA_TYPES.get(path.suffix) or _guess_type(path))
                found.compressible = path.suffix in COMPRESSIBLE
                self._files[path] = found
        return found

    def _response(self, path: Path, accept: str, cache_control: str) -> Response:
        return self._compressed(path).response(accept, cache_control)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        found = self._find(scope["path"])
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        accept = headers.get("accept-encoding", "")
        if found is None or "range" in headers:
            await self.app(scope, receive, send)
            return
        path, cache_control = found
        if path not in self.substitutes and not accepted_codings(accept) & {"br", "gzip"}:
            await self.app(scope, receive, send)  # Streamlit's own answer, as it is
            return
        if cache_control is None:
            versioned = b"v=" in scope.get("query_string", b"")
            cache_control = IMMUTABLE if versioned else "no-cache"
        from anyio import to_thread  # compressing a large file must not block the event loop

        response = await to_thread.run_sync(self._response, path, accept, cache_control)
        await response(scope, receive, send)


# --- the icon font, cut to the icons this app can show -----------------------------------

MATERIAL_ICON = re.compile(rb":material/([a-z0-9_]+):")


def icon_names(files: Iterable[Path]) -> set[str]:
    """Every Material Symbols icon named as `:material/name:` in these files (Streamlit's
    bundle names its own icons so; the app's pages and modules name theirs)."""
    names: set[str] = set()
    for path in files:
        names |= {m.decode() for m in MATERIAL_ICON.findall(path.read_bytes())}
    return names


def material_symbols_subset(font_file: Path, names: Collection[str]) -> bytes:
    """Streamlit's Material Symbols font (375 KB, loaded by every page for its icons) cut to
    the named icons: about 10 KB. Each icon is a ligature of its name's letters; the
    ligatures for other names are dropped, then the glyphs nothing reaches."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_file), lazy=False)
    cmap = font.getBestCmap()
    wanted = {
        tuple(cmap[ord(c)] for c in name) for name in names if all(ord(c) in cmap for c in name)
    }
    kept: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first in list(getattr(table, "ligatures", {})):
                ligatures = [g for g in table.ligatures[first] if (first, *g.Component) in wanted]
                if ligatures:
                    table.ligatures[first] = ligatures
                    kept |= {g.LigGlyph for g in ligatures}
                else:
                    del table.ligatures[first]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    letters = {ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789_"} & set(cmap)
    subsetter.populate(unicodes=letters, glyphs=sorted(kept))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


# --- the page's own files, asked for with the page ----------------------------------------

STATIC_IMPORT = re.compile(rb"""(?:from|import)\s*["'`](\./[\w.-]+\.js)["'`]""")


def module_closure(js_folder: Path, chunks: Iterable[str]) -> list[str]:
    """The files of Streamlit's bundle that the named element chunks (`Selectbox`,
    `BidiComponent`, ...) import, themselves included, found by following their static
    imports. Streamlit loads an element's chunk only when its first message arrives, then
    its imports: on a slow link each step costs round trips after the page's data."""
    found: dict[str, None] = {}
    todo = [p.name for name in chunks for p in sorted(js_folder.glob(f"{name}.*.js"))]
    while todo:
        name = todo.pop()
        if name in found or not (js_folder / name).is_file():
            continue
        found[name] = None
        todo += [m.decode()[2:] for m in STATIC_IMPORT.findall((js_folder / name).read_bytes())]
    return list(found)


HINT_ATTRIBUTES = {
    "preload": ' as="script"',
    "modulepreload": " crossorigin",
    "fetch": ' as="fetch" crossorigin',  # as fetch() asks for it: the same cache entry
}


class PreloadHints:
    """ASGI middleware: the page document (Streamlit's index.html, for every page path)
    with `<link rel=modulepreload|preload>` for the files the app's first screen needs, so
    the browser fetches them beside Streamlit's own bundle instead of after the websocket
    messages that name them. `more(path, query)` adds hints that depend on the page asked
    for (the map's geometry file); it runs in a worker thread. Other requests pass
    through."""

    def __init__(
        self,
        app: ASGIApp,
        index_file: Path,
        hints: list[tuple[str, str]],
        more: Callable[[str, str], list[tuple[str, str]]] | None = None,
    ) -> None:
        self.app = app
        self.html = index_file.read_text()
        self.links = self._links(hints)
        self.more = more
        self._documents: OrderedDict[str, Compressed] = OrderedDict()

    def _links(self, hints: list[tuple[str, str]]) -> str:
        return "".join(
            f'<link rel="{"preload" if rel == "fetch" else rel}" href="{href}"{HINT_ATTRIBUTES[rel]}>'
            for rel, href in hints
            if f'"{href}"' not in self.html  # Streamlit's index.html names some itself
        )

    def document(self, path: str, query: str) -> Compressed:
        links = self.links + (self._links(self.more(path, query)) if self.more else "")
        if links not in self._documents:
            html = self.html.replace("</head>", f"{links}</head>", 1)
            self._documents[links] = Compressed(html.encode(), "text/html; charset=utf-8")
            while len(self._documents) > 8:
                self._documents.popitem(last=False)
        return self._documents[links]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self._is_page(scope):
            from anyio import to_thread

            accept = dict(scope["headers"]).get(b"accept-encoding", b"").decode("latin-1")
            query = scope.get("query_string", b"").decode("latin-1")
            document = await to_thread.run_sync(self.document, scope["path"], query)
            await document.response(accept, "no-cache")(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _is_page(scope: Scope) -> bool:
        """A browser navigating to a page: it asks for HTML at a path with no file name."""
        accept = dict(scope["headers"]).get(b"accept", b"")
        last = scope["path"].rsplit("/", 1)[-1]
        return b"text/html" in accept and "." not in last and "/_stcore/" not in scope["path"]
