"""The privacy notice, its link on every participant page, and the facilitators' retention
and deletion controls, through AppTest."""

from __future__ import annotations

import re
from datetime import date

import pytest

from arp import facilitators, insights, privacy, sessions, settings
from arp.insights import Insight
from arp.ui import widgets
from tests.app.conftest import FACILITATOR, sign_in

PASSWORD = "a long facilitator password"


@pytest.fixture
def start(app_with, fixture_db, monkeypatch):
    monkeypatch.setenv("ARP_FACILITATOR_PASSWORD_HASH", insights.hash_password(PASSWORD))

    def open_page(page, **params):
        return app_with(fixture_db, page=page, **params)

    return open_page


def as_read(markdown: str) -> str:
    """Text as the reader sees it: the code span of widgets.plain() taken off."""
    return re.sub(r"(`+) ?(.*?) ?\1", r"\2", markdown)


def said(at) -> str:
    """What the notice says: its paragraphs are plain text (st.text), never Markdown."""
    return "\n".join([*(t.value for t in at.text), *(as_read(m.value) for m in at.markdown)])


def test_the_notice_says_what_is_kept_and_who_to_ask(start, monkeypatch):
    monkeypatch.setenv("ARP_PRIVACY_CONTACT", "privacy@wmca.example, 0121 000 0000")
    at = start("pages/privacy.py")
    assert at.title[0].value == "Privacy notice"
    assert [s.value for s in at.subheader] == [
        "What is stored",
        "What is never stored",
        "Who sees it",
        "How long it is kept",
        "How to ask for your note to be removed",
    ]
    text = said(at)
    assert "Your name: we do not ask for it. Your IP address: the app does not record it." in text
    assert "Contact privacy@wmca.example, 0121 000 0000." in text
    assert "30 days unless the facilitators chose another" in text


def test_the_notice_says_plainly_when_no_contact_is_set(start, monkeypatch):
    monkeypatch.delenv("ARP_PRIVACY_CONTACT", raising=False)
    text = said(start("pages/privacy.py"))
    assert "has not set a contact address here (ARP_PRIVACY_CONTACT is not set)" in text
    assert "Contact " not in text


def test_opened_from_a_session_the_notice_gives_its_dates_and_shows_its_title_as_text(start):
    title = "Room *2* <b>x</b> [link](http://evil.example)"
    session = sessions.create(
        settings.workshop_database_path(), title, date(2026, 3, 14), retention_days=14
    )
    at = start("pages/privacy.py", session=session.session_id)
    assert (
        f"For the session '{title}' (14 March 2026), that is 14 days: until 28 March 2026"
        in said(at)
    )
    raw = "\n".join(m.value for m in at.markdown)
    assert "[link](http" not in raw  # the title is in plain text, never Markdown
    assert "*2*" not in raw


def privacy_links(at) -> list:
    return [e.proto for e in at.get("page_link") if e.proto.label == widgets.PRIVACY_LINK_LABEL]


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/capture.py", {}),
        ("pages/vote.py", None),  # needs a session: made below
        ("pages/map.py", {}),
        ("pages/area_profile.py", {"area": "E01000901"}),
    ],
)
def test_every_participant_page_links_the_notice_the_same_way(start, page, params):
    if params is None:
        room = sessions.create(settings.workshop_database_path(), "Room", date(2026, 3, 14))
        params = {"session": room.session_id}
    (link,) = privacy_links(start(page, **params))
    assert link.page.endswith("privacy")
    assert link.query_string == (f"session={params['session']}" if "session" in params else "")


def test_the_capture_link_carries_the_session_to_the_notice(start):
    session = sessions.create(settings.workshop_database_path(), "Room", date(2026, 3, 14))
    (link,) = privacy_links(start("pages/capture.py", session=session.session_id))
    assert link.query_string == f"session={session.session_id}"


def signed_in(start):
    facilitators.add_account(
        settings.workshop_database_path(), FACILITATOR, PASSWORD, iterations=1000
    )
    return sign_in(start("pages/moderate.py"))


def test_a_facilitator_sets_retention_changes_it_and_deletes_a_sessions_data(start):
    path = settings.workshop_database_path()
    at = signed_in(start)
    next(t for t in at.text_input if t.label == "Title").set_value("Handsworth")
    next(n for n in at.number_input if n.key == "new_session_retention").set_value(14)
    next(b for b in at.button if b.label == "Create session").click().run()
    (session,) = sessions.listing(path)
    assert session.retention_days == 14

    at.number_input(key=f"retention-{session.session_id}").set_value(7).run()
    at.button(key=f"keep-{session.session_id}").click().run()
    assert sessions.listing(path)[0].retention_days == 7

    note = insights.save(
        path,
        Insight("E01000901", "access", "barrier", "a note", True, session_id=session.session_id),
    )
    delete = at.button(key=f"delete-{session.session_id}")
    assert delete.disabled  # until the facilitator ticks that they mean it
    at.checkbox(key=f"sure-{session.session_id}").check().run()
    at.button(key=f"delete-{session.session_id}").click().run()
    assert any("Deleted" in s.value and "1 note(s)" in s.value for s in at.success)
    assert sessions.listing(path) == []
    assert note not in set(insights.listing(path, "pending")["insight_id"])
    (entry,) = privacy.privacy_log(path)
    assert (entry["action"], entry["actor"]) == ("deleted session data", FACILITATOR)


def test_the_backup_download_says_what_the_backup_holds(start):
    path = settings.workshop_database_path()
    kept = insights.save(path, Insight("E01000901", "access", "barrier", "kept", True))
    insights.moderate(path, kept, "approve", "test")
    at = signed_in(start)
    captions = [c.value for c in at.caption]
    assert any(
        as_read(c).startswith("Made ") and "notes 1 approved" in as_read(c) for c in captions
    )
