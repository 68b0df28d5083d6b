"""A workshop room on one `arp app` server: PARTICIPANTS phones, each a websocket client that
speaks Streamlit's protocol (tests/streamlit_client.py), on this machine's loopback only.

Each participant has their own browser token (the `arp_participant` cookie, as
arp/participant.js keeps it) and, joining over RAMP seconds:
  - opens the join link (`/join?session=ID`) and taps "Add what you know about a place";
  - finds their neighbourhood by name and taps "Use this place";
  - writes two notes, THINK seconds apart (mean): picks what it is about and the kind, types
    the note, ticks consent (a rerun each, as the browser sends one per change), taps Save.
When every participant has written (or failed), the facilitator opens voting
(arp.room.open_voting on the store) and each participant, after a pause, goes back to the
session's home, taps "Vote on priorities", types their 10 dots (a rerun per domain changed)
and taps "Cast my dots"; after another pause they change their dots once ("Change my dots").
Every phone stays connected until the last participant has finished.

Reported: notes and ballots sent vs stored (no loss, no duplicate; each ballot cast twice and
its votes rows the changed dots), p50/p95 from Save to "saved" and from "Cast my dots" to the
thank-you, errors of every kind (the participants' and the server log's), the server's CPU
(process CPU seconds / wall), memory per session (RSS growth over the open sessions) and the
machine's load average (a shared machine: the context of every time above).

PYTHONPATH=. .venv/bin/python bench/room_simulation.py [--participants 40] [--ramp 30]
    [--think 20] [--db data/arp.duckdb] [--postgres [postgresql://user@host/db]] [--log FILE]
    (--postgres alone: a throw-away server, tests/pg_server.py; default: a SQLite file)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from sqlalchemy import text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import arp.room  # noqa: E402
from arp import sessions, settings, workshop  # noqa: E402
from arp.framework import Framework, load_framework  # noqa: E402
from arp.ui.participant import COOKIE  # noqa: E402
from bench.room_cluster import cpu_seconds, percentile, postmaster_of, rss_mb  # noqa: E402
from tests import pg_server  # noqa: E402
from tests.streamlit_client import ProtocolError, Run, Session  # noqa: E402

NOTES_EACH = 2
TITLE = "Room simulation"
ADD_NOTE = "Add what you know about a place"
VOTE = "Vote on priorities"
FIND = "Find an area (name or postcode)"
SAVED = "Thank you. Your note is saved and waits for a facilitator."
COUNTED = "Thank you: your dots are counted."


# --- what the room did, and what it was meant to do ----------------------------------------


@dataclass
class Tally:
    page_loads: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    casts: list[float] = field(default_factory=list)  # "Cast my dots" and "Change my dots"
    notes_sent: list[tuple[str, str, str]] = field(default_factory=list)  # place, domain, text
    ballots_sent: dict[str, dict[str, int]] = field(default_factory=dict)  # token: last dots
    casts_sent: collections.Counter = field(default_factory=collections.Counter)  # token: n
    errors: collections.Counter = field(default_factory=collections.Counter)
    load: list[float] = field(default_factory=list)
    peak_rss: float = 0.0


@dataclass
class Room:
    """What every participant shares: where to connect, the session, and the two moments
    the room waits for (everyone has written; the facilitator has opened voting)."""

    base: str
    session_id: str
    participants: int
    think: float
    voting_open: asyncio.Event = field(default_factory=asyncio.Event)
    _reached: collections.Counter = field(default_factory=collections.Counter)
    _everyone: dict[str, asyncio.Event] = field(
        default_factory=lambda: collections.defaultdict(asyncio.Event)
    )

    @property
    def query(self) -> str:
        return f"session={self.session_id}"

    def reach(self, milestone: str) -> None:
        """One more participant has reached `milestone` ('joined', 'written', 'finished'),
        or given up before it."""
        self._reached[milestone] += 1
        if self._reached[milestone] == self.participants:
            self._everyone[milestone].set()

    async def everyone(self, milestone: str) -> None:
        await self._everyone[milestone].wait()


def ballot_of(rng: random.Random, domains: list[str], unlike: dict[str, int] | None = None):
    """Ten dots spread at random over the domains (a different spread from `unlike`)."""
    while True:
        dots = dict.fromkeys(domains, 0)
        for domain in rng.choices(domains, k=sessions.DOTS):
            dots[domain] += 1
        if dots != unlike:
            return dots


async def type_dots(
    session: Session,
    run: Run,
    query: str,
    dots: dict[str, int],
    before: dict[str, int],
    titles: dict[str, str],
    tally: Tally,
) -> Run:
    """Each domain whose dots change typed in its box: a rerun each, as in the browser."""
    for domain, count in dots.items():
        if count != before.get(domain, 0):
            session.set_value(run.widget("number_input", titles[domain]), count)
            run = await session.run("vote", query)
            tally.reruns.append(run.seconds)
    return run


async def participant(
    number: int,
    place: tuple[str, str],
    starts_at: float,
    room: Room,
    tally: Tally,
    framework: Framework,
) -> None:
    rng = random.Random(number)
    code, name = place
    token = uuid.uuid4().hex  # what arp/participant.js keeps in the browser
    titles = {d.id: d.title for d in framework.scored_domains}
    domain_of = {title: domain for domain, title in titles.items()}
    session = Session(room.base, cookies={COOKIE: token})
    step = "wait to arrive"
    reached: set[str] = set()

    def reach(milestone: str) -> None:
        if milestone not in reached:
            reached.add(milestone)
            room.reach(milestone)

    try:
        await asyncio.sleep(max(0.0, starts_at - time.monotonic()))
        step = "open the join link"
        await session.connect()
        run = await session.open_page("join", room.query)
        tally.page_loads.append(run.seconds)
        if f"`{TITLE}`" not in run.texts("heading"):
            raise ProtocolError(f"not the session's home: {run.texts('heading')}")
        step = "tap add a note"
        run = (await session.run("join", room.query, press=run.widget("button", ADD_NOTE))).last()
        tally.page_loads.append(run.seconds)
        step = "find the place"
        session.set_value(run.widget("text_input", FIND), name)
        run = await session.run("capture", room.query)
        tally.reruns.append(run.seconds)
        run = await session.run("capture", room.query, press=run.widget("button", "Use this place"))
        tally.reruns.append(run.seconds)
        if not any(t.startswith(f"Place: {name}") for t in run.texts("markdown")):
            raise ProtocolError(f"the place was not taken: {run.texts('markdown')}")
        reach("joined")
        for note in range(1, NOTES_EACH + 1):
            await asyncio.sleep(rng.uniform(0.5, 1.5) * room.think)
            step = f"note {note}: fill the form"
            about = rng.choice(run.widget("selectbox", "What is it about?").options)
            session.set_value(run.widget("selectbox", "What is it about?"), about)
            run = await session.run("capture", room.query)
            tally.reruns.append(run.seconds)
            session.set_value(
                run.widget("radio", "Kind of note"),
                rng.choice(run.widget("radio", "Kind of note").options),
            )
            run = await session.run("capture", room.query)
            tally.reruns.append(run.seconds)
            written = f"participant {number} note {note}: the bus stop by {name} has no shelter"
            session.set_value(run.widget("text_area", "Your note"), written)
            run = await session.run("capture", room.query)
            tally.reruns.append(run.seconds)
            consent = next(e for e in run.elements if e.kind == "checkbox")
            session.set_value(consent, True)
            run = await session.run("capture", room.query)
            tally.reruns.append(run.seconds)
            step = f"note {note}: save"
            pressed = await session.run(
                "capture", room.query, press=run.widget("button", "Save my note")
            )
            run = pressed.last()  # the form drawn again, empty, with new widget ids
            if not any(t.startswith(SAVED) for t in run.texts("alert")):
                raise ProtocolError(f"no 'saved' after Save: {pressed.texts('alert')}")
            tally.saves.append(pressed.seconds)
            tally.notes_sent.append((code, domain_of[about], written))
        reach("written")
        step = "wait for voting"
        await room.voting_open.wait()
        await asyncio.sleep(rng.uniform(0, room.think))
        step = "back to the session's home"
        run = await session.open_page("join", room.query)  # its "Back to your session" link
        tally.page_loads.append(run.seconds)
        step = "tap vote"
        run = (await session.run("join", room.query, press=run.widget("button", VOTE))).last()
        tally.page_loads.append(run.seconds)
        for change, label in enumerate(("Cast my dots", "Change my dots")):
            step = f"vote: {label}"
            before = tally.ballots_sent.get(token, {})
            dots = ballot_of(rng, list(titles), unlike=before or None)
            if change:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * room.think)
            run = await type_dots(session, run, room.query, dots, before, titles, tally)
            tally.casts_sent[token] += 1  # pressed: sent, whatever comes back
            run = await session.run("vote", room.query, press=run.widget("button", label))
            if not any(t.startswith(COUNTED) for t in run.texts("alert")):
                raise ProtocolError(f"no thank-you after {label!r}: {run.texts('alert')}")
            tally.casts.append(run.seconds)
            tally.ballots_sent[token] = dots
    except Exception as error:  # every kind counts, by the step it happened in
        tally.errors[f"{step}: {type(error).__name__}: {str(error)[:160]}"] += 1
    finally:
        # One who failed does not hold up the room.
        reach("joined")
        reach("written")
        reach("finished")
        await room.everyone("finished")  # phones stay on the page until the room ends
        with contextlib.suppress(Exception):
            await session.close()


# --- the server, the facilitator and the run ------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, store: str, log: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run serve.py` (what `arp app` runs), as tests/browser/conftest.py starts it."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARP_DB": str(db), "ARP_WORKSHOP_DB": store}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "serve.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    process.kill()
    process.wait(timeout=30)
    raise SystemExit(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")


async def warm(room: Room) -> None:
    """The session's home and capture page once, before measuring: caches filled, as after
    the first visitor (the vote page cannot be warmed: voting is not open yet)."""
    session = Session(room.base)
    await session.connect()
    run = await session.open_page("join", room.query)
    await session.run("join", room.query, press=run.widget("button", ADD_NOTE))
    await session.close()


async def facilitator(room: Room, store: str, meter: Callable[[], dict]) -> dict:
    """Opens voting once everyone has written; returns the meters then."""
    await room.everyone("written")
    await asyncio.to_thread(arp.room.open_voting, store, room.session_id, "bench")
    room.voting_open.set()
    return meter()


async def sample(tally: Tally, server_pid: int) -> None:
    """The machine's 1-minute load average and the server's RSS, every 5 s."""
    while True:
        tally.load.append(os.getloadavg()[0])
        tally.peak_rss = max(tally.peak_rss, rss_mb([server_pid]))
        await asyncio.sleep(5)


@dataclass
class Result:
    """The run's figures, for the report and the test."""

    participants: int
    backend: str
    tally: Tally
    notes_stored: collections.Counter
    ballots_stored: dict[str, int]  # token: casts stored
    votes_stored: dict[str, dict[str, int]]  # token: dots stored
    server_log_errors: list[str]
    meters: dict[str, dict]
    baseline_rss: float
    load_before: float

    @property
    def notes_lost(self) -> int:
        return sum((collections.Counter(self.tally.notes_sent) - self.notes_stored).values())

    @property
    def notes_duplicated(self) -> int:
        return sum((self.notes_stored - collections.Counter(self.tally.notes_sent)).values())

    @property
    def ballots_wrong(self) -> int:
        """Ballots stored whose casts or dots differ from what the participant last sent,
        ballots sent but not stored, and ballots stored that nobody sent."""
        sent, stored = self.tally.ballots_sent, self.votes_stored
        wrong = sum(
            self.ballots_stored.get(t) != self.tally.casts_sent[t]
            or stored.get(t) != {d: n for d, n in dots.items() if n}
            for t, dots in sent.items()
        )
        return wrong + len(set(self.ballots_stored) - set(sent))

    @property
    def errors(self) -> int:
        return sum(self.tally.errors.values()) + len(self.server_log_errors)

    @property
    def ok(self) -> bool:
        expected_notes = self.participants * NOTES_EACH
        return (
            not self.errors
            and not self.notes_lost
            and not self.notes_duplicated
            and sum(self.notes_stored.values()) == expected_notes
            and len(self.ballots_stored) == self.participants
            and not self.ballots_wrong
        )


def stored(store: str, session_id: str):
    with workshop.connect(store, write=False) as con:
        notes = con.execute(
            text("select area_code, domain, text from insights where session_id = :s"),
            {"s": session_id},
        ).all()
        ballots = con.execute(
            text("select voter_token, casts from ballots where session_id = :s"),
            {"s": session_id},
        ).all()
        votes = con.execute(
            text("select voter_token, domain, dots from votes where session_id = :s"),
            {"s": session_id},
        ).all()
    by_voter: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for token, domain, dots in votes:
        by_voter[token][domain] = int(dots)
    return (
        collections.Counter(tuple(row) for row in notes),
        {token: int(casts) for token, casts in ballots},
        dict(by_voter),
    )


def server_errors(log: Path) -> list[str]:
    """Lines of the server's log that report a failure (a traceback, an error, a warning)."""
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if any(word in line for word in ("Traceback", "ERROR", "Error", "Exception", "WARNING"))
    ]


def simulate(
    participants: int,
    db: Path,
    postgres: str | None = None,
    *,
    ramp: float = 30,
    think: float = 20,
    log: Path | None = None,
) -> Result:
    """The room, start to end: a SQLite store in a temporary folder unless `postgres` is
    a URL ('' for a throw-away server)."""
    load_before = os.getloadavg()[0]
    framework = load_framework()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="arp-room-")))
        if postgres is None:
            store, backend = str(folder / "workshop.sqlite3"), "SQLite"
        else:
            store = postgres or stack.enter_context(pg_server.temporary_server())()
            backend = "PostgreSQL"
        with duckdb.connect(str(db), read_only=True) as con:
            places = con.sql(
                "select code, name from areas where level = 'lsoa' order by code"
            ).fetchall()
        random.Random(7).shuffle(places)
        session_id = sessions.create(store, TITLE, date.today(), "loopback").session_id
        workshop.dispose_all()
        log = log or folder / "server.log"
        process, base = start_server(db, store, log)
        try:
            database_pids = postmaster_of(store) if backend == "PostgreSQL" else []
            room = Room(base, session_id, participants, think)
            asyncio.run(warm(room))
            time.sleep(2)
            baseline_rss = rss_mb([process.pid])

            def meter() -> dict:
                return {
                    "t": time.monotonic(),
                    "rss": rss_mb([process.pid]),
                    "server": cpu_seconds([process.pid]),
                    "database": cpu_seconds(database_pids),
                    "clients": sum(os.times()[:2]),
                }

            tally = Tally()
            meters = asyncio.run(
                hold_the_room(room, store, places, framework, tally, ramp, meter, process.pid)
            )
        finally:
            process.terminate()
            process.wait(timeout=60)
        notes, ballots, votes = stored(store, session_id)
        workshop.dispose_all()
        log_errors = server_errors(log)
    return Result(
        participants,
        backend,
        tally,
        notes,
        ballots,
        votes,
        log_errors,
        meters,
        baseline_rss,
        load_before,
    )


async def hold_the_room(
    room: Room,
    store: str,
    places: list[tuple[str, str]],
    framework: Framework,
    tally: Tally,
    ramp: float,
    meter: Callable[[], dict],
    server_pid: int,
) -> dict[str, dict]:
    """Every participant's journey at once, and the facilitator; the meters read when
    everyone is in, has written, and has voted twice (and when voting opened)."""
    now = time.monotonic()
    meters = {"start": meter()}
    sampler = asyncio.create_task(sample(tally, server_pid))
    opened = asyncio.create_task(facilitator(room, store, meter))
    tasks = [
        asyncio.create_task(
            participant(
                n,
                places[n % len(places)],
                now + n * ramp / room.participants,
                room,
                tally,
                framework,
            )
        )
        for n in range(room.participants)
    ]
    await room.everyone("joined")
    meters["joined"] = meter()  # every phone on the capture page, its place chosen
    await room.everyone("written")
    meters["written"] = meter()
    await room.everyone("finished")
    meters["end"] = meter()  # every phone still connected, every ballot changed
    await asyncio.gather(*tasks)
    meters["voting"] = await opened
    sampler.cancel()
    return meters


def report(result: Result, command: str) -> None:
    tally, m = result.tally, result.meters
    n = result.participants
    wall = m["end"]["t"] - m["start"]["t"]
    print(f"\n{command}")
    print(
        f"{n} participants on one `streamlit run serve.py` with a {result.backend} store:"
        f" all in after {m['joined']['t'] - m['start']['t']:.0f} s, all written after"
        f" {m['written']['t'] - m['start']['t']:.0f} s, voting opened, all voted and changed"
        f" after {wall:.0f} s"
    )
    print(f"errors: {result.errors}")
    for kind, count in tally.errors.most_common():
        print(f"  {count} x {kind}")
    for line in result.server_log_errors[:10]:
        print(f"  server log: {line[:160]}")
    print(
        f"notes: sent {len(tally.notes_sent)}, stored {sum(result.notes_stored.values())}"
        f" (expected {n * NOTES_EACH}), lost {result.notes_lost},"
        f" duplicated {result.notes_duplicated}"
    )
    casts = sorted(collections.Counter(result.ballots_stored.values()).items())
    print(
        f"ballots: sent {len(tally.ballots_sent)} ({sum(tally.casts_sent.values())} presses),"
        f" stored {len(result.ballots_stored)} (expected {n}; casts per ballot: {dict(casts)}),"
        f" votes rows {sum(len(v) for v in result.votes_stored.values())}, ballots whose"
        f" stored dots or casts differ from the last sent: {result.ballots_wrong}"
    )
    for name, values in (
        ("Save -> saved", tally.saves),
        ("Cast/Change -> thank-you", tally.casts),
        ("rerun (a field changed)", tally.reruns),
        ("page open", tally.page_loads),
    ):
        if values:
            print(
                f"  {name:25} p50 {statistics.median(values) * 1000:6.0f} ms"
                f"  p95 {percentile(values, 0.95) * 1000:6.0f} ms"
                f"  max {max(values) * 1000:6.0f} ms  (n={len(values)})"
            )
    used = {k: m["end"][k] - m["start"][k] for k in ("server", "database", "clients")}
    print(
        f"CPU over {wall:.0f} s (cores of {os.cpu_count()}): server {used['server']:.1f} s ="
        f" {used['server'] / wall:.3f}"
        + (f", PostgreSQL {used['database'] / wall:.3f}" if result.backend == "PostgreSQL" else "")
        + f", the simulated phones {used['clients'] / wall:.3f};"
        f" server CPU per participant {used['server'] / n:.2f} s"
    )
    windows = (("start", "joined", "to everyone in"), ("joined", "written", "to everyone written"),
               ("voting", "end", "from voting opened to the end"))  # fmt: skip
    print(
        "server CPU by window (CPU s, cores): "
        + "; ".join(
            f"{label} {m[b]['server'] - m[a]['server']:.1f} s,"
            f" {(m[b]['server'] - m[a]['server']) / (m[b]['t'] - m[a]['t']):.2f}"
            for a, b, label in windows
        )
    )
    print(
        f"server memory: {result.baseline_rss:.0f} MB warm, {m['joined']['rss']:.0f} MB with"
        f" {n} sessions open, {m['end']['rss']:.0f} MB at the end (peak {tally.peak_rss:.0f}):"
        f" {(m['joined']['rss'] - result.baseline_rss) / n:.2f} MB per session on joining,"
        f" {(m['end']['rss'] - result.baseline_rss) / n:.2f} at the end"
    )
    print(
        f"load average (1 min): {result.load_before:.1f} before; during the run median"
        f" {statistics.median(tally.load):.1f}, max {max(tally.load):.1f}"
        f" (a shared machine: other programs use its {os.cpu_count()} cores)"
    )
    print("PASS" if result.ok else "FAIL")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--ramp", type=float, default=30, help="seconds over which they join")
    parser.add_argument(
        "--think", type=float, default=20, help="mean seconds between a participant's steps"
    )
    parser.add_argument("--db", type=Path, default=settings.database_path())
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="",
        help="a postgresql:// URL of an empty database (alone: a throw-away server)",
    )
    parser.add_argument("--log", type=Path, help="keep the server's output in this file")
    args = parser.parse_args()
    command = " ".join(["python", *sys.argv])
    result = simulate(
        args.participants, args.db, args.postgres, ramp=args.ramp, think=args.think, log=args.log
    )
    report(result, command)
    return int(not result.ok)


if __name__ == "__main__":
    raise SystemExit(main())
