"""The app as `arp app` serves it: Streamlit's own server, made light for a phone on venue
wifi (arp/web.py; bench/slow_link.py measures it), and telling browsers nothing about the
machine: no `/_stcore/metrics`, no script path (arp.ui.server_guard).

- Streamlit's JavaScript (~4.7 MB uncompressed) and the vendored Leaflet compressed with
  brotli once per process, with a one-year, immutable cache lifetime;
- Streamlit's icon font cut from 375 KB to the icons in use (~10 KB);
- the map's polygons as files the browser fetches and keeps (a return visit downloads
  none), instead of inside a websocket message each time;
- the page document asks for the first screen's code, Leaflet and (at the front door)
  the default map's polygons with itself, not after the messages that name them;
- gzip on every other HTTP response; websocket messages compressed by Streamlit itself
  (server.enableWebsocketCompression in .streamlit/config.toml).

Beside Streamlit's routes, it serves the two that keep a facilitator's sign-in in an HttpOnly
cookie (arp/ui/signin_routes.py). `streamlit run serve.py` finds the `app` below. It sits
beside app.py because Streamlit reads .streamlit/ and static/ beside the script it is given."""

from __future__ import annotations

import functools
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import duckdb
import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager

from arp import db, db_reader, map_views, maps, settings, view_state, web
from arp.framework import load_framework
from arp.ui import signin_routes
from arp.ui.server_guard import ServerGuard

# Streamlit decides once per process whether pages/ is a folder of old-style pages, and says
# yes until a run of app.py reaches st.navigation. So on a fresh server whose first visitor
# opens /moderate (a join link, a bookmark), every page ran alone, without app.py: no
# navigation, no page setup, no sign-out in the sidebar, until someone opened /. app.py
# always navigates, so say so before the first run.
PagesManager.uses_pages_directory = False

# Responses smaller than this gain little from compression and cost a little CPU.
COMPRESS_FROM_BYTES = 1000
HERE = Path(__file__).parent
STREAMLIT_FILES = Path(file_util.get_static_dir()) / "static"


def icon_font_subsets() -> dict[Path, Callable[[], bytes]]:
    """Streamlit's icon font (375 KB, loaded by every page) cut to the icons its bundle and
    this app name: about 10 KB."""
    named_in = [
        *STREAMLIT_FILES.glob("js/*.js"),
        HERE / "app.py",
        *HERE.glob("pages/*.py"),
        *Path(web.__file__).parent.rglob("*.py"),
    ]
    return {
        font: functools.partial(subset_font, font, named_in)
        for font in STREAMLIT_FILES.glob("media/MaterialSymbols-*.woff2")
    }


def subset_font(font: Path, named_in: list[Path]) -> bytes:
    return web.material_symbols_subset(font, web.icon_names(named_in))


# The elements of the map page's first screen, whose code Streamlit loads only when their
# first message arrives: asked for with the page instead (web.PreloadHints).
FIRST_SCREEN = (
    "BidiComponent",
    "Selectbox",
    "Radio",
    "Multiselect",
    "Checkbox",
    "TextInput",
    "Button",
    "PageLink",
)


def preload_hints() -> list[tuple[str, str]]:
    chunks = web.module_closure(STREAMLIT_FILES / "js", FIRST_SCREEN)
    hints = [("modulepreload", f"./static/js/{name}") for name in chunks]
    leaflet = maps.leaflet_urls()["script"]
    if leaflet.startswith("/"):
        hints.append(("preload", "." + leaflet))
    return hints


def first_map_hints(path: str, query: str) -> list[tuple[str, str]]:
    """The map page opened without a level or area in its link (the app's front door)
    shows the default view's polygons: their file is asked for with the page, while the
    browser starts Streamlit and the server runs the page."""
    params = urllib.parse.parse_qs(query)
    if path.rstrip("/").rsplit("/", 1)[-1] not in ("", "map") or {"level", "within"} & set(params):
        return []
    try:
        geometry_id, payload = default_map_geometry(*database_version())
    except (OSError, duckdb.Error, KeyError):  # no database yet: the setup page
        return []
    web.GEOMETRY.publish(geometry_id, payload)
    return [("fetch", "./" + web.GEOMETRY.url(geometry_id).lstrip("/"))]


def database_version() -> tuple[str, str]:
    """The database file and its version, as the pages key their geometry (arp.ui.data)."""
    version = db_reader.file_version(settings.database_path())
    return version.path, version.key


@functools.lru_cache(maxsize=2)
def default_map_geometry(path: str, version: str) -> tuple[str, dict]:
    """The default map view's geometry file, as the map page makes it (map_element)."""
    with db.connect(Path(path), read_only=True) as con:
        view = map_views.indicator_view(con, load_framework(), view_state.ViewState())
    made: dict[str, dict] = {}

    def keep(geometry_id: str, payload: dict) -> str:
        made[geometry_id] = payload
        return geometry_id

    spec = map_views.map_spec(
        view, "quantiles", "", geometry_version=f"{path}:{version}", publish=keep
    )
    geometry_id = spec.data["areas"]["geometry_id"]
    return geometry_id, made[geometry_id]


SCRIPT = str(Path(__file__).with_name("app.py"))

app = st.App(
    SCRIPT,
    # The facilitator sign-in cookie is set by a response of the app's own (HttpOnly).
    routes=[*signin_routes.routes(), *web.GEOMETRY.routes()],
    middleware=[
        Middleware(ServerGuard, script_path=SCRIPT),
        Middleware(
            web.PreloadHints,
            index_file=STREAMLIT_FILES.parent / "index.html",
            hints=preload_hints(),
            more=first_map_hints,
        ),
        Middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES),
        Middleware(
            web.CompressedFiles,
            folders={
                # The app's static/ (Leaflet): immutable when the URL carries ?v=.
                "/app/static/": (HERE / "static", None),
                # Streamlit's bundle: every name carries its content hash.
                "/static/": (STREAMLIT_FILES, web.IMMUTABLE),
            },
            substitutes=icon_font_subsets(),
        ),
    ],
)

# The front door's polygons made now, not while the first visitor waits for the page.
threading.Thread(target=first_map_hints, args=("/", ""), daemon=True).start()
