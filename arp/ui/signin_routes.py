"""The HTTP side of the facilitator sign-in cookie: two routes that serve.py (what `arp app`
runs) mounts beside Streamlit's own. A Streamlit script cannot set a cookie, and a cookie
set by page JavaScript could be read by page JavaScript; a response of the server's own can
set one HttpOnly.

- POST /api/facilitator/keep {"code": ...}: the one-time handoff code a sign-in just made
  (arp.facilitators.exchange_handoff) becomes the cookie: HttpOnly, SameSite=Strict, Secure
  over https, expiring with the sign-in.
- POST /api/facilitator/forget: clears the cookie if it no longer names a live sign-in
  (after a sign-out); a live one is kept.

Both refuse requests from another origin, so another site cannot plant or clear a cookie.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from arp import facilitators, settings

log = logging.getLogger(__name__)

COOKIE_NAME = "arp_facilitator"
KEEP_PATH = "/api/facilitator/keep"
FORGET_PATH = "/api/facilitator/forget"
MAX_BODY_BYTES = 1000
_mounted = False


def prefix() -> str:
    """server.baseUrlPath as a path prefix ('' at the root)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def mounted() -> bool:
    """Whether this process serves the routes (started by `arp app`, i.e. serve.py); under
    a bare `streamlit run app.py` a sign-in lasts until the page is reloaded."""
    return _mounted


def _https(request: Request) -> bool:
    return request.headers.get("x-forwarded-proto", request.url.scheme) == "https"


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    if not origin:
        return False
    hosts = {request.headers.get("host"), request.headers.get("x-forwarded-host")}
    return urlsplit(origin).netloc in hosts - {None}


def _cookie_options(request: Request) -> dict:
    return {
        "path": prefix() or "/",
        "httponly": True,
        "samesite": "strict",
        "secure": _https(request),
    }


async def keep(request: Request) -> Response:
    if not _same_origin(request):
        log.warning("Refused a sign-in cookie request from another origin")
        return Response(status_code=403)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return Response(status_code=413)
    try:
        code = json.loads(body)["code"]
    except (ValueError, KeyError, TypeError):
        return Response(status_code=400)
    if not isinstance(code, str):
        return Response(status_code=400)
    made = await run_in_threadpool(
        facilitators.exchange_handoff, settings.workshop_database_path(), code
    )
    if made is None:
        log.warning("Refused a sign-in cookie request: an unknown, used or expired code")
        return JSONResponse({"kept": False}, status_code=403)
    token, expires_at = made
    response = JSONResponse({"kept": True}, headers={"Cache-Control": "no-store"})
    max_age = int((expires_at - datetime.now(UTC)).total_seconds())
    response.set_cookie(COOKIE_NAME, token, max_age=max_age, **_cookie_options(request))
    return response


async def forget(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    cookie = request.cookies.get(COOKIE_NAME)
    if cookie:
        live = await run_in_threadpool(
            facilitators.signin_from_cookie, settings.workshop_database_path(), cookie
        )
        if live is None:
            response.delete_cookie(COOKIE_NAME, **_cookie_options(request))
    return response


def routes() -> list[Route]:
    """The routes for st.App(routes=...); mounting them is what makes `mounted()` true."""
    global _mounted
    _mounted = True
    return [
        Route(prefix() + KEEP_PATH, keep, methods=["POST"]),
        Route(prefix() + FORGET_PATH, forget, methods=["POST"]),
    ]
