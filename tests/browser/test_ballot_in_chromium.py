"""One ballot per participant per session, in Chromium on a 390x844 touch screen: vote,
reload, change the vote, go to another page and back; the store holds exactly one ballot,
the browser keeps one token (a cookie and local storage), and the room's results stay
hidden until the facilitator reveals them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text

from arp import room, sessions, workshop

pytestmark = pytest.mark.browser
FIRST, SECOND = "Health & wellbeing", "Education & skills"  # the first two scored domains
CHART = '[data-testid="stVegaLiteChart"]'


def set_dots(page, domain: str, dots: int) -> None:
    box = page.get_by_label(domain, exact=True)
    box.fill(str(dots))
    box.press("Enter")


def wait_for_placed(page, placed: int) -> None:
    page.get_by_text(f"{placed} of 10 dots placed").wait_for(timeout=30_000)


def dots_shown(page) -> list[str]:
    return [page.get_by_label(d, exact=True).input_value() for d in (FIRST, SECOND)]


def open_vote(page, server, session_id) -> None:
    page.goto(f"{server}/vote?session={session_id}")
    page.get_by_text("You have 10 dots").wait_for(timeout=30_000)


def test_vote_reload_change_keeps_one_ballot_and_results_wait(phone, server, workshop_path):
    session = sessions.create(workshop_path, "Phone room", date(2026, 3, 14))
    sid = session.session_id
    room.open_voting(workshop_path, sid, "test")

    open_vote(phone, server, sid)
    set_dots(phone, FIRST, 10)
    wait_for_placed(phone, 10)
    phone.get_by_role("button", name="Cast my dots").tap()
    phone.get_by_text("your dots are counted").wait_for(timeout=30_000)
    phone.get_by_text("stay private until the facilitator reveals them").wait_for()
    assert phone.locator(CHART).count() == 0

    phone.reload()
    phone.get_by_text("You have 10 dots").wait_for(timeout=30_000)
    wait_for_placed(phone, 10)  # the ballot, read back from the store
    assert dots_shown(phone) == ["10", "0"]
    set_dots(phone, FIRST, 4)
    wait_for_placed(phone, 4)
    set_dots(phone, SECOND, 6)
    wait_for_placed(phone, 10)
    phone.get_by_role("button", name="Change my dots").tap()
    phone.get_by_text("your new dots replace these").wait_for(timeout=30_000)

    # Another page and back: still the same participant, the changed ballot.
    phone.goto(f"{server}/capture?session={sid}")
    phone.get_by_text("Add what you know about a place").wait_for(timeout=30_000)
    open_vote(phone, server, sid)
    wait_for_placed(phone, 10)
    assert dots_shown(phone) == ["4", "6"]
    phone.get_by_role("button", name="Change my dots").wait_for()

    cookies = {c["name"]: c["value"] for c in phone.context.cookies()}
    token = cookies["arp_participant"]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert phone.evaluate("window.localStorage.getItem('arp_participant')") == token
    with workshop.connect(workshop_path, write=False) as con:
        ballots = con.execute(
            text("select voter_token, casts from ballots where session_id = :s"), {"s": sid}
        ).all()
        votes = con.execute(
            text("select voter_token, domain, dots from votes where session_id = :s order by 2"),
            {"s": sid},
        ).all()
    assert [tuple(b) for b in ballots] == [(token, 2)]  # exactly one ballot, cast twice
    assert [tuple(v) for v in votes] == [(token, "education", 6), (token, "health", 4)]
    assert sessions.ballot_count(workshop_path, sid) == 1
    assert phone.locator(CHART).count() == 0

    room.reveal_results(workshop_path, sid, "test")
    phone.reload()
    phone.get_by_text("The room's priorities").wait_for(timeout=30_000)
    phone.locator(CHART).first.wait_for(timeout=30_000)
