"""Facilitator sign-in for the pages: named accounts (arp.facilitators), throttled, kept
across reloads, with a sign-out in the sidebar.

How a sign-in outlives a reload. Streamlit's session_state is lost with the websocket on a
reload, st.login speaks only OpenID Connect, and a script cannot set cookies; a token in the
URL would travel in every shared link and screenshot. So once a password is accepted, the
page gives the browser a one-time code (valid for a minute); a small script
(arp/signin_cookie.js) posts it to the app's own route (arp.ui.signin_routes, mounted by
serve.py, which `arp app` runs), and the route's answer sets the cookie: HttpOnly (page
scripts cannot read it), SameSite=Strict, Secure over https, expiring with the sign-in. Each
page load's websocket handshake carries it (st.context.cookies); it is checked against the
store on every run, where signing out, removing the account or expiry ends it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from arp import facilitators, settings, workshop
from arp.ui import signin_routes

_SIGNIN = "_arp_facilitator_signin"  # session_state: the live sign-in's id
_HANDOFF = "_arp_facilitator_handoff"  # (one-time code, until when to offer it to the page)
_REJECTED = "_arp_facilitator_rejected_cookie"  # a cookie already found dead this session
_FORGET = "_arp_facilitator_forget"  # until when to ask the browser to drop a dead cookie

_COOKIE_KEEPER = st.components.v2.component(
    "arp.signin_cookie",
    js=(Path(__file__).parent.parent / "signin_cookie.js").read_text(),
)


def facilitator_password_hash() -> str | None:
    """The shared password's hash of earlier versions: ARP_FACILITATOR_PASSWORD_HASH, or
    Streamlit secrets. Used only while the store has no named account."""
    configured = settings.facilitator_password_hash_from_environment()
    if configured:
        return configured
    try:
        return st.secrets.get("facilitator_password_hash")
    except FileNotFoundError:
        return None


def _store() -> workshop.Store:
    return settings.workshop_database_path()


def browser_session() -> str:
    """The client a throttle counts: this browser session's id (never its IP address)."""
    context = get_script_run_ctx()
    return context.session_id if context else "no-session"


def _cookie() -> str | None:
    """The sign-in cookie this page load's handshake carried (AppTest has no cookies)."""
    cookie = st.context.cookies.get(signin_routes.COOKIE_NAME)
    return cookie if isinstance(cookie, str) else None


def _signin() -> facilitators.Signin | None:
    """The live sign-in of this browser session: remembered in session_state, else restored
    from the cookie; checked against the store every time, so a sign-out anywhere counts."""
    store = _store()
    signin_id = st.session_state.get(_SIGNIN)
    if signin_id:
        found = facilitators.active_signin(store, signin_id)
        if found:
            return found
        del st.session_state[_SIGNIN]
    cookie = _cookie()
    if cookie and st.session_state.get(_REJECTED) != cookie:
        found = facilitators.signin_from_cookie(store, cookie)
        if found:
            st.session_state[_SIGNIN] = found.signin_id
            return found
        st.session_state[_REJECTED] = cookie
    return None


def current_facilitator() -> str | None:
    """The signed-in facilitator's name for log lines, or None: never shows a form."""
    found = _signin()
    return found.name if found else None


def facilitator_signed_in() -> bool:
    """True when a facilitator is signed in; otherwise shows the sign-in form."""
    if _signin():
        return True
    _sign_in_form()
    return False


def _wait_words(until: datetime) -> str:
    seconds = max(1, math.ceil((until - datetime.now(UTC)).total_seconds()))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def _sign_in_form() -> None:
    store = _store()
    shared_hash = facilitator_password_hash()
    named = facilitators.has_accounts(store)
    if not named and not shared_hash:
        st.error(
            "No facilitator account yet. Whoever runs the server adds one with "
            "`arp facilitator add YOUR NAME`; then sign in here."
        )
        return
    with st.form("facilitator_sign_in", clear_on_submit=True):
        if named:
            name = st.text_input("Your name", autocomplete="username")
        else:
            name = ""
            st.caption(
                "No named facilitator accounts yet: sign in with the shared password. What "
                f"you do is logged as '{facilitators.SHARED_PASSWORD_NAME}'. Named accounts "
                "(`arp facilitator add NAME`) replace it."
            )
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return
    attempt = facilitators.sign_in(
        store, name, password, browser_session(), shared_hash=shared_hash
    )
    if attempt.outcome == "signed in":
        st.session_state[_SIGNIN] = attempt.signin_id
        st.session_state[_HANDOFF] = (
            attempt.handoff,
            time.monotonic() + facilitators.HANDOFF_SECONDS - 5,
        )
        st.rerun()
    assert attempt.retry_at is not None
    if attempt.locked:
        st.error(
            "Too many wrong passwords: signing in is locked for "
            f"{_wait_words(attempt.retry_at)}. Ask whoever runs the server if you need in sooner."
        )
    elif attempt.outcome == "refused":
        st.error(f"Please wait {_wait_words(attempt.retry_at)} before trying again.")
    else:
        st.error(
            "That name and password do not match. You can try again in "
            f"{_wait_words(attempt.retry_at)}."
        )


def _cookie_keeper(key: str, url: str, code: str, once: str) -> None:
    _COOKIE_KEEPER(key=key, data={"url": url, "code": code, "once": once})


def account_box() -> None:
    """In the sidebar of every page: who is signed in, and the sign-out. Also hands a new
    sign-in's code to the page (for the cookie), and asks the browser to forget a cookie that
    no longer names a live sign-in."""
    found = _signin()
    keeps = signin_routes.mounted()
    if found:
        with st.sidebar:
            st.caption("Facilitator")
            st.text(f"Signed in as {found.name}")
            if not keeps:
                st.caption(
                    "Reloading the page signs you out (the app was not started by `arp app`)."
                )
            if st.button("Sign out", key="facilitator_sign_out", icon=":material/logout:"):
                facilitators.sign_out(_store(), found.signin_id)
                st.session_state.pop(_SIGNIN, None)
                st.session_state.pop(_HANDOFF, None)
                st.session_state[_FORGET] = time.monotonic() + 30
                st.rerun()
    if not keeps:
        return
    handoff = st.session_state.get(_HANDOFF)
    if found and handoff and time.monotonic() < handoff[1]:
        with st.sidebar:
            url = signin_routes.prefix() + signin_routes.KEEP_PATH
            _cookie_keeper("facilitator_cookie_keep", url, handoff[0], handoff[0])
    else:
        st.session_state.pop(_HANDOFF, None)
    stale = _cookie()
    signed_out = time.monotonic() < st.session_state.get(_FORGET, 0)
    if signed_out or (stale and st.session_state.get(_REJECTED) == stale):
        with st.sidebar:
            url = signin_routes.prefix() + signin_routes.FORGET_PATH
            once = f"forget-{st.session_state[_FORGET]}" if signed_out else "forget-stale"
            _cookie_keeper("facilitator_cookie_forget", url, "", once)


def facilitator_download(
    container: st.delta_generator.DeltaGenerator,
    label: str,
    make: Callable[[], bytes],
    file_name: str,
    mime: str,
) -> None:
    """A download of workshop data for a signed-in facilitator only. The file is made when
    the button is pressed (not on every run, and never left at a URL in advance), after
    checking the sign-in is still live, and the download is logged with the name."""
    found = _signin()
    if found is None:
        return
    deliver = facilitators.download_while_signed_in(_store(), found.signin_id, file_name, make)
    container.download_button(label, deliver, file_name, mime, on_click="ignore")
