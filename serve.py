"""The app as `arp app` serves it: Streamlit's own server with gzip on every HTTP response
(its JavaScript bundle is ~4.7 MB uncompressed; a phone on venue wifi waits for every byte),
and nothing about the machine sent to browsers: no `/_stcore/metrics`, no script path
(arp.ui.server_guard). Websocket messages are compressed by Streamlit itself
(server.enableWebsocketCompression in .streamlit/config.toml). Beside Streamlit's routes, it
serves the two that keep a facilitator's sign-in in an HttpOnly cookie
(arp/ui/signin_routes.py). `streamlit run serve.py` finds the `app` below. It sits beside
app.py because Streamlit reads .streamlit/ and static/ beside the script it is given."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from streamlit.runtime.pages_manager import PagesManager

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

SCRIPT = str(Path(__file__).with_name("app.py"))

app = st.App(
    SCRIPT,
    # The facilitator sign-in cookie is set by a response of the app's own (HttpOnly).
    routes=signin_routes.routes(),
    middleware=[
        Middleware(ServerGuard, script_path=SCRIPT),
        Middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES),
    ],
)
