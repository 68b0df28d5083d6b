"""serve.py's HTTP side (arp/web.py): compressed, long-cached files, the map's geometry as
files, the icon font cut to the icons in use, and the page's preload hints. Each ASGI app
is called as a server would call it (scope, receive, send)."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import brotli
import pytest
from fontTools.ttLib import TTFont
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from streamlit import file_util

from arp import web

STREAMLIT_FILES = Path(file_util.get_static_dir()) / "static"


def get(app, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """One GET through an ASGI app: status, headers (lower-case names), body."""
    query = path.partition("?")[2]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path.partition("?")[0],
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1234),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    found = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], found, body


def test_accept_encoding_is_read_with_its_refusals():
    assert web.accepted_codings("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert web.accepted_codings("br;q=0, gzip;q=0.5") == {"gzip"}
    assert web.accepted_codings("") == set()


def fallback_app(folder: Path, cache_control: str | None) -> Starlette:
    """What stands behind the middleware: answers 'passed through' to anything."""

    async def passed(request):
        return PlainTextResponse("passed through")

    return Starlette(
        routes=[Route("/{path:path}", passed)],
        middleware=[Middleware(web.CompressedFiles, folders={"/static/": (folder, cache_control)})],
    )


@pytest.fixture
def bundle(tmp_path) -> Path:
    script = "export const answer = 42;\n" * 400
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "index.abc123.js").write_text(script)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG not text")
    return tmp_path


def test_a_bundle_file_goes_brotli_to_a_browser_that_takes_it_and_stays_cached_a_year(bundle):
    app = fallback_app(bundle, web.IMMUTABLE)
    original = (bundle / "js" / "index.abc123.js").read_bytes()
    status, headers, body = get(app, "/static/js/index.abc123.js", {"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"].startswith("text/javascript")
    assert headers["vary"] == "Accept-Encoding"
    assert brotli.decompress(body) == original
    assert len(body) < len(original) / 20

    status, headers, body = get(app, "/static/js/index.abc123.js", {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == original
    # Under a base URL path too (server.baseUrlPath).
    assert (
        get(app, "/arp/static/js/index.abc123.js", {"Accept-Encoding": "br"})[1]["content-encoding"]
        == "br"
    )


def test_what_the_middleware_does_not_serve_passes_through(bundle):
    app = fallback_app(bundle, web.IMMUTABLE)
    for path, accept in [
        ("/static/js/index.abc123.js", "identity"),  # no compression wanted: Streamlit's answer
        ("/static/picture.png", "br"),  # not text
        ("/static/js/missing.js", "br"),
        ("/static/../../etc/passwd", "br"),
        ("/page", "br"),
    ]:
        assert get(app, path, {"Accept-Encoding": accept})[2] == b"passed through", path


def test_the_apps_own_files_are_immutable_only_when_their_url_carries_a_version(bundle):
    app = fallback_app(bundle, None)
    accept = {"Accept-Encoding": "br"}
    assert get(app, "/static/js/index.abc123.js?v=0f3e", accept)[1]["cache-control"] == (
        web.IMMUTABLE
    )
    assert get(app, "/static/js/index.abc123.js", accept)[1]["cache-control"] == "no-cache"


def test_geometry_is_served_from_its_file_compressed_and_cached_a_year():
    files = web.GeometryFiles()
    app = Starlette(routes=files.routes())
    assert files.publisher() is not None  # the routes exist: maps put geometry in files
    payload = {"codes": ["E01000001", "E01000002"], "geometry": [[[[1, 2, 3, 4]]]] * 2}
    url = files.publisher("/arp/")("abc", payload)
    assert url == "/arp/arp-geometry/abc.json"

    for path in (url, "/arp-geometry/abc.json"):
        status, headers, body = get(app, path, {"Accept-Encoding": "br, gzip"})
        assert status == 200
        assert headers["content-encoding"] == "br"
        assert headers["cache-control"] == web.IMMUTABLE
        assert json.loads(brotli.decompress(body)) == payload

    status, headers, _ = get(app, "/arp-geometry/unknown.json", {"Accept-Encoding": "br"})
    assert status == 404  # the map then asks for the geometry in its message
    assert headers["cache-control"] == "no-store"


def test_without_the_route_geometry_stays_in_the_message():
    assert web.GeometryFiles().publisher() is None


def test_geometry_files_keep_the_most_recent_sets():
    files = web.GeometryFiles()
    for n in range(files.KEEP + 3):
        files.publish(f"id{n}", {"codes": [], "geometry": []})
    assert files.get("id0") is None
    assert files.get(f"id{files.KEEP + 2}") is not None


def test_the_icon_font_is_cut_to_the_named_icons_and_keeps_them():
    fonts = sorted(STREAMLIT_FILES.glob("media/MaterialSymbols-*.woff2"))
    if not fonts:
        pytest.skip("this Streamlit ships no Material Symbols font")
    cut = web.material_symbols_subset(fonts[0], {"map", "diversity_3", "expand_more"})
    assert len(cut) < fonts[0].stat().st_size / 10
    font = TTFont(__import__("io").BytesIO(cut))
    cmap = font.getBestCmap()
    spelled = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligatures in table.ligatures.items():
                for ligature in ligatures:
                    glyphs = [first, *ligature.Component]
                    by_glyph = {glyph: chr(code) for code, glyph in cmap.items()}
                    spelled.add("".join(by_glyph[g] for g in glyphs))
    assert spelled == {"map", "diversity_3", "expand_more"}


def test_icon_names_are_found_where_streamlit_and_the_app_name_them(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'st.Page("p.py", icon=":material/map:")\nst.button("Go", icon=":material/bolt:")'
    )
    assert web.icon_names([page]) == {"map", "bolt"}
    # Streamlit's bundle names its own icons the same way.
    assert "keyboard_double_arrow_right" in web.icon_names(STREAMLIT_FILES.glob("js/*.js"))


def test_module_closure_follows_static_imports(tmp_path):
    (tmp_path / "Selectbox.a1.js").write_text('import{x}from"./shared.b2.js";import"./side.c3.js"')
    (tmp_path / "shared.b2.js").write_text('import{y}from"./leaf.d4.js"')
    (tmp_path / "side.c3.js").write_text("")
    (tmp_path / "leaf.d4.js").write_text("")
    (tmp_path / "Unrelated.e5.js").write_text("")
    assert sorted(web.module_closure(tmp_path, ["Selectbox"])) == [
        "Selectbox.a1.js",
        "leaf.d4.js",
        "shared.b2.js",
        "side.c3.js",
    ]


def test_pages_get_the_document_with_preload_hints_and_nothing_else_does(tmp_path):
    index = tmp_path / "index.html"
    index.write_text(
        '<html><head><script src="./static/js/index.x.js"></script></head><body></body></html>'
    )

    async def passed(request):
        return PlainTextResponse("passed through")

    hints = [
        ("modulepreload", "./static/js/index.x.js"),  # named by the document already
        ("modulepreload", "./static/js/Selectbox.a1.js"),
        ("preload", "./app/static/vendor/leaflet/leaflet.js?v=1"),
    ]
    app = Starlette(
        routes=[Route("/{path:path}", passed)],
        middleware=[Middleware(web.PreloadHints, index_file=index, hints=hints)],
    )
    navigation = {"Accept": "text/html,application/xhtml+xml", "Accept-Encoding": "gzip"}
    for page in ("/", "/area_profile"):
        status, headers, body = get(app, page, navigation)
        html = gzip.decompress(body).decode()
        assert status == 200
        assert headers["cache-control"] == "no-cache"
        assert html.count("index.x.js") == 1
        assert '<link rel="modulepreload" href="./static/js/Selectbox.a1.js" crossorigin>' in html
        assert (
            '<link rel="preload" href="./app/static/vendor/leaflet/leaflet.js?v=1" as="script">'
            in html
        )
    for path, accept in [
        ("/_stcore/health", "text/html"),
        ("/favicon.png", "text/html"),
        ("/", "*/*"),
    ]:
        assert get(app, path, {"Accept": accept})[2] == b"passed through", path
