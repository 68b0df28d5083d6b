"""bench/room_simulation.py run small, so that the benchmark's code cannot rot: two
participants on a real `streamlit run serve.py` over the fixture database join the session,
find their place, write two notes each and vote, then change their vote; every note and
ballot is stored exactly once, as sent. Not timed: the figures are the benchmark's."""

from __future__ import annotations

import pytest

from bench import room_simulation

pytestmark = pytest.mark.slow


def test_two_participants_write_two_notes_and_vote_twice(fixture_db):
    result = room_simulation.simulate(2, fixture_db, ramp=0.5, think=0.2)

    assert dict(result.tally.errors) == {}
    assert result.server_log_errors == []
    assert len(result.tally.saves) == 4
    assert len(result.tally.casts) == 4
    # Every note sent is stored once, with its place and domain, for this session.
    assert sorted(result.notes_stored.elements()) == sorted(result.tally.notes_sent)
    assert len(set(result.tally.notes_sent)) == 4
    # One ballot each, cast then changed: its votes rows are the changed dots.
    assert result.ballots_stored == {token: 2 for token in result.tally.ballots_sent}
    assert len(result.ballots_stored) == 2
    for token, dots in result.tally.ballots_sent.items():
        assert sum(dots.values()) == 10
        assert result.votes_stored[token] == {d: n for d, n in dots.items() if n}
    assert result.ok
    # The meters read the server's process: it used CPU and memory.
    assert result.meters["end"]["server"] > result.meters["start"]["server"]
    assert result.baseline_rss > 50
