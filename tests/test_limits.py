"""Limits that protect the room: how fast one participant may save notes (arp.limits,
insights.save_for_participant, on a clock the tests move), and how big one import of notes
may be (transfer.check_import)."""

from __future__ import annotations

import threading
import tomllib

import pytest

from arp import insights, limits, transfer
from tests.conftest import REPO_ROOT
from tests.import_files import notes_csv


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_five_saves_in_five_minutes_then_a_wait_until_the_first_leaves_the_window(clock):
    limit = insights.note_limit(clock)
    for note in range(5):
        assert limit.request("phone", f"note {note}") == 0
        clock.now += 20  # a note every 20 seconds: faster than anyone writes
    # 100 s after the first save: it leaves the 300 s window 200 s from now.
    assert limit.request("phone", "note 5") == pytest.approx(200)
    clock.now += 199
    assert limit.request("phone", "note 5") == pytest.approx(1)
    clock.now += 1
    assert limit.request("phone", "note 5") == 0
    # The next waits for the second save (made at 1020) to leave the window.
    assert limit.request("phone", "note 6") == pytest.approx(1020 + 300 - clock.now)


def test_a_refused_save_is_not_counted(clock):
    limit = limits.RateLimit(2, 60, clock)
    assert limit.request("phone", "a") == 0
    assert limit.request("phone", "b") == 0
    for _ in range(10):  # pressing Save again and again while told to wait
        assert limit.request("phone", "c") == pytest.approx(60)
    clock.now += 60
    assert limit.request("phone", "c") == 0
    assert limit.request("phone", "d") == 0
    assert limit.request("phone", "e") == pytest.approx(60)


def test_the_same_note_again_is_not_counted_twice(clock):
    limit = limits.RateLimit(2, 60, clock)
    for _ in range(5):  # a double tap, a retried request: one note, one token
        assert limit.request("phone", "same note") == 0
    assert limit.request("phone", "another") == 0
    assert limit.request("phone", "a third") > 0


def test_each_participant_has_a_count_of_their_own(clock):
    limit = limits.RateLimit(1, 60, clock)
    assert limit.request("phone a", "1") == 0
    assert limit.request("phone a", "2") == pytest.approx(60)
    assert limit.request("phone b", "1") == 0  # the next person in the room is not held up


def test_participants_who_stopped_saving_are_forgotten(clock):
    limit = limits.RateLimit(3, 60, clock)
    for person in range(200):
        limit.request(f"phone {person}", "note")
    assert limit.keys() == 200
    clock.now += 30
    limit.request("late phone", "note")
    assert limit.keys() == 201
    clock.now += 31  # the 200 saves have left the window; the late one has not
    assert limit.keys() == 1


def test_saves_racing_on_threads_never_exceed_the_limit(clock):
    limit = limits.RateLimit(5, 60, clock)
    allowed = []

    def save(n: int) -> None:
        if limit.request("phone", f"note {n}") == 0:
            allowed.append(n)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 5


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "in 1 second"),
        (40, "in 40 seconds"),
        (59.5, "in 1 minute"),
        (60, "in 1 minute"),
        (61, "in 2 minutes"),
        (200, "in 4 minutes"),
    ],
)
def test_the_wait_in_words_is_never_too_early(seconds, words):
    assert limits.in_words(seconds) == words


def test_a_participant_over_the_limit_saves_nothing_and_is_told_when(store, clock):
    limit = insights.note_limit(clock)

    def note(text: str, token: str) -> insights.Insight:
        return insights.Insight("E01000901", "health", "barrier", text, True, client_token=token)

    saved = [
        insights.save_for_participant(store, note(f"note {n}", f"t{n}"), "phone", limit)
        for n in range(5)
    ]
    # A double tap of the last note is the same note: allowed, stored once.
    assert insights.save_for_participant(store, note("note 4", "t4"), "phone", limit) == saved[-1]
    clock.now += 60
    with pytest.raises(insights.SavingTooFast) as refused:
        insights.save_for_participant(store, note("one too many", "t5"), "phone", limit)
    assert refused.value.wait_seconds == pytest.approx(240)
    assert "You can save this one in 4 minutes" in str(refused.value)
    assert "5 notes every 5 minutes" in str(refused.value)
    assert insights.listing(store, "pending")["text"].tolist() == [f"note {n}" for n in range(5)]
    # Someone else in the room saves meanwhile.
    insights.save_for_participant(store, note("from the next phone", "t6"), "other", limit)
    clock.now += 240
    insights.save_for_participant(store, note("one too many", "t5"), "phone", limit)
    assert len(insights.listing(store, "pending")) == 7


# --- the cap on one import --------------------------------------------------------------


def check(content: bytes) -> transfer.ImportCheck:
    return transfer.check_import(content, {}, {"health"}, set(), {"E01000901"}, set(), set())


def test_a_file_at_both_caps_is_taken_whole(store):
    content = notes_csv(transfer.IMPORT_MAX_ROWS, transfer.IMPORT_MAX_BYTES)
    assert len(content) == 2_000_000
    result = check(content)
    assert result.errors == []
    assert len(result.rows) == 1_000
    assert transfer.import_all(store, result) == 1_000
    saved = insights.listing(store, "pending")
    assert len(saved) == 1_000
    assert saved["text"].str.len().max() <= insights.MAX_TEXT
    assert all(len(note.encode()) > len(note) for note in saved["text"])  # 'é' kept


def test_one_byte_over_the_cap_is_refused_whole_and_unread(store):
    result = check(notes_csv(transfer.IMPORT_MAX_ROWS, transfer.IMPORT_MAX_BYTES + 1))
    assert result.refused_whole
    assert result.rows == []
    assert result.errors == [
        "the file is 2.0 MB (2,000,001 bytes); a file may hold at most 1,000 notes and 2 MB: "
        "split it into several files"
    ]
    with pytest.raises(insights.InsightError, match="nothing was saved"):
        transfer.import_all(store, result)
    assert insights.listing(store, "pending").empty


def test_one_note_over_the_cap_is_refused_whole(store):
    result = check(notes_csv(transfer.IMPORT_MAX_ROWS + 1))
    assert len(notes_csv(transfer.IMPORT_MAX_ROWS + 1)) < transfer.IMPORT_MAX_BYTES
    assert result.refused_whole
    assert result.errors == [
        "the file has more than 1,000 notes; a file may hold at most 1,000 notes and 2 MB: "
        "split it into several files"
    ]
    with pytest.raises(insights.InsightError, match="nothing was saved"):
        transfer.import_all(store, result)
    assert insights.listing(store, "pending").empty


def test_the_issues_50_mb_file_is_refused_before_it_is_parsed():
    content = notes_csv(378_000)  # the 378,000 notes the issue measured
    assert len(content) > 14_000_000
    assert check(content).errors[0].startswith("the file is 1")  # e.g. "14.4 MB"


def test_the_upload_limits_streamlit_enforces_match_the_import_cap():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == transfer.IMPORT_MAX_MB
    assert transfer.IMPORT_MAX_BYTES == transfer.IMPORT_MAX_MB * 1_000_000
    page = (REPO_ROOT / "pages" / "moderate.py").read_text()
    assert "max_upload_size=transfer.IMPORT_MAX_MB" in page
