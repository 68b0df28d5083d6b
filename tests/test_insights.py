"""Workshop insights: redaction, validation, storage under concurrency, moderation."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from arp import insights, workshop
from arp.insights import Insight, InsightError

DOMAINS = {"health", "housing"}
AREAS = {"E01000901", "E05000901"}
GROUPS = {"White", "Black, Black British, Black Welsh, Caribbean or African"}
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> '); drop table insights; --"


def note(**changes) -> Insight:
    values = {
        "area_code": "E01000901",
        "domain": "health",
        "kind": "barrier",
        "text": "The surgery has no interpreter on Fridays.",
        "consent": True,
    }
    return Insight(**{**values, **changes})


def check(insight):
    return insights.validate(insight, DOMAINS, {"no_car"}, AREAS, GROUPS)


@pytest.mark.parametrize(
    ("text", "expected", "found"),
    [
        (
            "mail me at jo.bloggs+x@example.org please",
            "mail me at [email removed] please",
            ["an email address"],
        ),
        (
            "ring 0121 496 0000 or +44 7700 900123",
            "ring [phone number removed] or [phone number removed]",
            ["a phone number"],
        ),
        (
            "I live at B13 0HN near the park",
            "I live at [postcode removed] near the park",
            ["a full postcode"],
        ),
        ("the B13 area and 2 buses an hour", "the B13 area and 2 buses an hour", []),
    ],
)
def test_personal_details_are_redacted(text, expected, found):
    assert insights.redact(text) == (expected, found)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": False}, "tick the box"),
        ({"text": "   "}, "write your note"),
        ({"text": "x" * 1001}, "1,001 characters; the limit is 1,000"),
        ({"area_code": "E99999999"}, "choose a place"),
        ({"domain": "wealth"}, "what your note is about"),
        ({"kind": "rant"}, "kind of note"),
        ({"age_band": "42"}, "age band"),
        ({"ethnic_group": "not a Census group"}, "Census list"),
        ({"indicator_id": "nope"}, "not in the framework"),
    ],
)
def test_bad_entries_are_refused_with_the_reason(changes, message):
    with pytest.raises(InsightError, match=message):
        check(note(**changes))


def test_hostile_text_and_sql_are_stored_literally(store):
    path = store
    saved = insights.save(path, check(note(text=HOSTILE, age_band="25 to 34")))
    insights.moderate(path, saved, "approve", "facilitator")
    approved = insights.approved_for_areas(path, ["E01000901"])
    assert approved["text"].tolist() == [HOSTILE]


def test_the_same_submission_twice_is_stored_once(store):
    path = store
    insight = check(note())
    assert insights.save(path, insight) == insights.save(path, insight)
    assert len(insights.listing(path, "pending")) == 1


def test_concurrent_submitters_and_double_taps_lose_and_duplicate_nothing(store):
    """Several phones submit at once into a new workshop file, and each note arrives twice
    at the same moment on two server threads (a double tap, a retried request).

    Small on purpose (about 60 saves, a second or two) yet able to fail: every thread
    starts at one barrier, so the first connections race the migrations and the two copies
    of a note race to insert the same client token. There is no lock in the process: the
    database orders the writers (SQLite's BEGIN IMMEDIATE, PostgreSQL's row locks) and the
    unique token with `on conflict do nothing` gives both copies the one id. Many more
    threads or rounds add time, not coverage."""
    path = store
    people, notes = 6, 5
    planned = [
        [check(note(text=f"person {p} note {n}")) for n in range(notes)] for p in range(people)
    ]
    ids: dict[str, list[int]] = {}
    errors = []
    start = threading.Barrier(2 * people)

    def phone_tap(person: int) -> None:
        try:
            start.wait()
            for insight in planned[person]:
                ids.setdefault(insight.client_token, []).append(insights.save(path, insight))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=phone_tap, args=(p,)) for p in range(people) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    texts = insights.listing(path, "pending")["text"]
    assert len(texts) == people * notes
    assert texts.is_unique
    # Both copies of each note got the one id it was stored under.
    assert all(len(set(got)) == 1 and len(got) == 2 for got in ids.values())


def test_only_approved_insights_are_public_and_moderation_is_logged(store):
    path = store
    kept = insights.save(path, check(note(text="kept")))
    dropped = insights.save(path, check(note(text="dropped")))
    edited = insights.save(path, check(note(text="my neighbour Sam Jones said")))
    waiting = insights.save(path, check(note(text="waiting")))
    insights.moderate(path, kept, "approve", "fac")
    insights.moderate(path, dropped, "reject", "fac")
    insights.moderate(path, edited, "redact", "fac", redacted_text="my neighbour said")
    public = insights.approved_for_areas(path, ["E01000901"])["text"].tolist()
    assert public == ["kept", "my neighbour said"]
    assert insights.listing(path, "pending")["insight_id"].tolist() == [waiting]
    with workshop.connect(path, write=False) as con:
        log = [
            tuple(row)
            for row in con.execute(
                text(
                    "select insight_id, action, previous_text from moderation_log "
                    "order by insight_id"
                )
            )
        ]
    assert log == [
        (kept, "approve", None),
        (dropped, "reject", None),
        (edited, "redact", "my neighbour Sam Jones said"),
    ]


def test_passwords_are_compared_as_hashes():
    stored = insights.hash_password("correct horse", salt=b"0123456789abcdef")
    assert stored.startswith("pbkdf2_sha256$200000$")
    assert "correct horse" not in stored
    assert insights.check_password("correct horse", stored)
    assert not insights.check_password("Correct horse", stored)
    assert not insights.check_password("anything", None)  # no default password
    assert not insights.check_password("anything", "not a hash")
