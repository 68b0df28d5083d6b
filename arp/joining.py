"""Joining a workshop session from a phone, and the address the room's links use.

Plain logic: which session a link names (and the words when it names none that exists),
which sessions are open to join, and which address the join and vote links and their QR
codes carry, so that they work on the phones in the room.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

from arp import i18n
from arp.sessions import Session, join_link

__all__ = ["join_link"]

# The longest mistyped session id quoted back: a link can carry anything.
QUOTED_AT_MOST = 40


def choose_session(
    wanted: str | None, known: list[Session], words: i18n.Translator = i18n.ENGLISH
) -> tuple[Session | None, str | None]:
    """The session a link names, or None with the reason it is refused (None when the link
    names no session at all: that is not a mistake, only not joined yet)."""
    _ = words.gettext
    if wanted is None or not wanted.strip():
        return None, None
    for session in known:
        if session.session_id == wanted.strip():
            return session, None
    shown = wanted if len(wanted) <= QUOTED_AT_MOST else wanted[:QUOTED_AT_MOST] + "…"
    return None, _(
        'There is no workshop session "{session}". Check the link or scan the QR code '
        "again; the open sessions are listed below."
    ).format(session=words.isolate(shown))


def open_sessions(known: list[Session], today: date) -> list[Session]:
    """Sessions of today or later, the soonest first: the ones a participant may join."""
    return sorted(
        (s for s in known if s.held_on >= today), key=lambda s: (s.held_on, s.title.lower())
    )


def describe(session: Session, words: i18n.Translator = i18n.ENGLISH) -> str:
    """'Title · Venue · 14 March 2026', as a participant sees a session (the date in the
    participant's language)."""
    parts = [session.title, session.venue, words.date(session.held_on)]
    return " · ".join(words.isolate(part) for part in parts if part)


# --- the address the room's links carry -------------------------------------------------


@dataclass(frozen=True)
class RoomAddress:
    url: str  # scheme://host[:port], no trailing slash
    source: str  # where it came from, in words for the facilitator
    loopback: bool  # only this computer can open it: phones in the room cannot


LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(url: str) -> bool:
    """True when the address names this computer only (localhost, 127.x.x.x, ::1, 0.0.0.0)."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def room_address(
    public_url: str | None,
    browser_url: str | None,
    headers: Mapping[str, str],
    fallback: str,
) -> RoomAddress:
    """The address for join and vote links: ARP_PUBLIC_URL when set; else the one the
    facilitator's browser used to reach the app (its URL, or the request's forwarded or
    Host header behind a proxy); else `fallback`."""

    def made(url: str, source: str) -> RoomAddress:
        url = url.rstrip("/")
        return RoomAddress(url, source, is_loopback(url))

    if public_url and public_url.strip():
        return made(public_url.strip(), "ARP_PUBLIC_URL")
    # The browser's own URL is what it used, proxy or not; the headers are for when the
    # frontend has not said (the first run of a page).
    if browser_url and (origin := _origin(browser_url)):
        return made(origin, "the address your browser used")
    lower = {k.lower(): v for k, v in headers.items()}
    forwarded_host = lower.get("x-forwarded-host", "").split(",")[0].strip()
    if forwarded_host:
        proto = lower.get("x-forwarded-proto", "").split(",")[0].strip() or "https"
        return made(f"{proto}://{forwarded_host}", "the address your browser used (via a proxy)")
    if host := lower.get("host", "").strip():
        return made(f"http://{host}", "the address your browser used")
    return made(fallback, "the default")


def loopback_warning(address: RoomAddress) -> str:
    return (
        f"These links point at {address.url}, which only this computer can open: phones in "
        "the room cannot. Open the app by the address the room can reach (this computer's "
        "network address, e.g. http://192.168.1.20:8501), or set ARP_PUBLIC_URL."
    )


def vote_link(address: str, session_id: str, lang: str | None = None) -> str:
    """The session's vote page, in the language `lang` names (none: the browser's)."""
    params = {"session": session_id, **({"lang": lang} if lang else {})}
    return f"{address.rstrip('/')}/vote?{urlencode(params)}"
