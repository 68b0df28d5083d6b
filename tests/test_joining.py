"""Joining a session from a link, the sessions open to join, and the address room links use."""

from __future__ import annotations

from datetime import date

import pytest

from arp import insights, joining
from arp.sessions import Session

ROOM = Session("Ab12Cd34", "Handsworth listening event", date(2026, 3, 14), "Library")
PAST = Session("old00001", "Last year", date(2025, 3, 14))
LATER = Session("later001", "Sparkbrook", date(2026, 4, 2))


def test_a_link_names_a_session_or_is_refused_with_what_it_said():
    assert joining.choose_session("Ab12Cd34", [PAST, ROOM]) == (ROOM, None)
    assert joining.choose_session(None, [ROOM]) == (None, None)
    assert joining.choose_session("  ", [ROOM]) == (None, None)
    session, refusal = joining.choose_session("Ab12Cd3", [ROOM])  # one character short
    assert session is None
    assert refusal is not None
    assert '"Ab12Cd3"' in refusal
    _, long_refusal = joining.choose_session("x" * 500, [ROOM])
    assert long_refusal is not None
    assert "x" * 40 + "…" in long_refusal
    assert "x" * 41 not in long_refusal


def test_open_sessions_are_today_and_later_soonest_first():
    known = [LATER, PAST, ROOM]
    assert joining.open_sessions(known, date(2026, 3, 14)) == [ROOM, LATER]
    assert joining.open_sessions(known, date(2026, 3, 15)) == [LATER]
    assert joining.open_sessions(known, date(2026, 5, 1)) == []
    assert joining.describe(ROOM) == "Handsworth listening event · Library · 14 March 2026"
    assert joining.describe(LATER) == "Sparkbrook · 2 April 2026"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8501", True),
        ("http://LOCALHOST", True),
        ("http://127.0.0.1:8711", True),
        ("http://127.4.5.6", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("http://app.localhost", True),
        ("http://192.168.1.20:8501", False),
        ("https://arp.example.org", False),
        ("http://10.0.0.5", False),
        ("192.168.1.20:8501", False),
    ],
)
def test_loopback_addresses_are_recognised(url, loopback):
    assert joining.is_loopback(url) is loopback


def test_the_room_address_prefers_the_setting_then_what_the_browser_used():
    lan = {"Host": "192.168.1.20:8501"}
    fallback = "http://localhost:8501"
    chosen = joining.room_address(
        "https://arp.example.org/", "http://10.0.0.5/moderate", lan, fallback
    )
    assert (chosen.url, chosen.source, chosen.loopback) == (
        "https://arp.example.org",
        "ARP_PUBLIC_URL",
        False,
    )
    from_browser = joining.room_address(None, "http://10.0.0.5:8711/moderate", lan, fallback)
    assert (from_browser.url, from_browser.loopback) == ("http://10.0.0.5:8711", False)
    proxied = {
        "Host": "127.0.0.1:8501",
        "X-Forwarded-Host": "arp.example.org, inner",
        "X-Forwarded-Proto": "https",
    }
    assert joining.room_address("", None, proxied, fallback).url == "https://arp.example.org"
    assert joining.room_address(None, None, lan, fallback).url == "http://192.168.1.20:8501"
    on_laptop = joining.room_address(None, "http://localhost:8711/moderate", {}, fallback)
    assert (on_laptop.url, on_laptop.loopback) == ("http://localhost:8711", True)
    assert "only this computer can open" in joining.loopback_warning(on_laptop)
    nothing = joining.room_address(None, None, {}, fallback)
    assert (nothing.url, nothing.source, nothing.loopback) == (fallback, "the default", True)


def test_room_links_name_the_participant_home_and_the_vote():
    assert joining.join_link("http://10.0.0.5:8501/", "Ab12Cd34") == (
        "http://10.0.0.5:8501/join?session=Ab12Cd34"
    )
    assert (
        joining.vote_link("http://10.0.0.5:8501", "a b") == "http://10.0.0.5:8501/vote?session=a+b"
    )


def test_every_problem_with_a_note_is_listed_at_once():
    note = insights.Insight(area_code="", domain="wealth", kind="rant", text="", consent=False)
    with pytest.raises(insights.InsightError) as refused:
        insights.validate(note, {"access"}, set(), {"E01000901"}, set())
    assert refused.value.problems == [
        "choose a place on the map, by name or by postcode",
        "choose what your note is about",
        "choose the kind of note",
        "please write your note",
        "please tick the box to say your note may be used as described",
    ]
    too_long = insights.Insight(
        area_code="E01000901", domain="access", kind="idea", text="x" * 1234, consent=True
    )
    with pytest.raises(insights.InsightError) as long_note:
        insights.validate(too_long, {"access"}, set(), {"E01000901"}, set())
    assert long_note.value.problems == [
        "your note is 1,234 characters; the limit is 1,000: shorten it by 234"
    ]
