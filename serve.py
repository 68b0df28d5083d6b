"""The app as `arp app` serves it: Streamlit's own server with gzip on every HTTP response
(its JavaScript bundle is ~4.7 MB uncompressed; a phone on venue wifi waits for every byte),
and nothing about the machine sent to browsers: no `/_stcore/metrics`, no script path
(arp.ui.server_guard). Websocket messages are compressed by Streamlit itself
(server.enableWebsocketCompression in .streamlit/config.toml). `streamlit run serve.py` finds
the `app` below. It sits beside app.py because Streamlit reads .streamlit/ and static/ beside
the script it is given."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

from arp.ui.server_guard import ServerGuard

# Responses smaller than this gain little from compression and cost a little CPU.
COMPRESS_FROM_BYTES = 1000

SCRIPT = str(Path(__file__).with_name("app.py"))

app = st.App(
    SCRIPT,
    middleware=[
        Middleware(ServerGuard, script_path=SCRIPT),
        Middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES),
    ],
)
