"""A region's room on the production recipe: SESSIONS participants, each a websocket client
that speaks Streamlit's protocol (tests/streamlit_client.py; a browser each does not fit on
2 cores), against `arp serve` (Caddy + REPLICAS app processes) on a PostgreSQL workshop
store, all on this machine's loopback.

Each participant opens the join link's capture page through the proxy (which places it on
a replica by cookie), finds their neighbourhood by name and uses it, then for DURATION
seconds writes a note about every INTERVAL seconds: the note is typed (a rerun, as when the
text box loses focus) and Save pressed (a rerun that saves). Reported: errors of every kind
(target 0), p50/p95 from Save to "saved", page-load and rerun times, memory per session
(the replicas' RSS growth over the open sessions), CPU by part, and whether every note
saved is in the store exactly once.

PYTHONPATH=. .venv/bin/python bench/room_cluster.py [--sessions 200] [--duration 120]
    [--replicas 3] [--interval 120] [--ramp 120] [--db data/arp.duckdb]
    [--postgres postgresql://user@host/db]   (default: a throw-away server, tests/pg_server.py)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arp import insights, production, sessions, settings, workshop  # noqa: E402
from tests import pg_server  # noqa: E402
from tests.streamlit_client import ProtocolError, Session  # noqa: E402

SECRET = "room-cluster-bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = "capture"
SAVED = "Thank you. Your note is saved and waits for a facilitator."


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- processes: who is who, their CPU time and memory, from /proc -------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(roots: list[int]) -> float:
    """CPU time of these processes and their descendants, live ones and those reaped."""
    total = 0
    for root in roots:
        for pid in _tree(root):
            fields = _stat(pid)
            if fields:  # utime, stime, cutime, cstime
                total += sum(int(v) for v in fields[11:15])
    return total / CLOCK_TICKS


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def postmaster_of(url: str) -> list[int]:
    port = url.rsplit(":", 1)[1].split("/", 1)[0]
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and f"-p {port} " in _cmdline(int(p.name)) + " "
        and "postgres" in _cmdline(int(p.name)).split(" ", 1)[0]
    ]


# --- participants -----------------------------------------------------------------------


@dataclass
class Tally:
    page_loads: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    saved_texts: list[str] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    replicas: collections.Counter = field(default_factory=collections.Counter)
    joined: int = 0
    load: list[float] = field(default_factory=list)


@dataclass
class Room:
    """What every participant shares: where to connect, the join link, the timetable. Saving
    starts when the last participant has joined (or failed to), and lasts `duration`."""

    base: str
    join_query: str
    sessions: int
    duration: float
    interval: float
    cookie_to_replica: dict[str, str]
    everyone_in: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: int = 0
    until: float = 0.0  # monotonic, once everyone is in

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived == self.sessions:
            self.until = time.monotonic() + self.duration
            self.everyone_in.set()


async def participant(number: int, place: str, starts_at: float, room: Room, tally: Tally) -> None:
    """One participant: join, find their place, then write a note every ~interval seconds."""
    join_query = room.join_query
    await asyncio.sleep(max(0.0, starts_at - time.monotonic()))
    session = Session(room.base)
    step = "open"
    try:
        await session.connect()
        tally.replicas[room.cookie_to_replica.get(session.cookies.get("arp_replica", ""), "?")] += 1
        run = await session.run(PAGE, join_query)
        tally.page_loads.append(run.seconds)
        step = "find the place"
        session.set_value(run.widget("text_input", "Find an area (name or postcode)"), place)
        run = await session.run(PAGE, join_query)
        tally.reruns.append(run.seconds)
        run = await session.run(PAGE, join_query, press=run.widget("button", "Use this place"))
        tally.reruns.append(run.seconds)
        if not any(t.startswith(f"Place: {place}") for t in run.texts("markdown")):
            raise ProtocolError(f"the place was not taken: {run.texts('markdown')}")
        tally.joined += 1
        step = "wait for the room"
        room.arrive()
        await room.everyone_in.wait()
        await asyncio.sleep(random.uniform(0, room.interval))
        written = 0
        while time.monotonic() < room.until:
            written += 1
            text = f"participant {number} note {written}: the bus stop by {place} has no shelter"
            step = "type a note"
            # The form's widgets are new after each save (an empty form): found afresh.
            session.set_value(run.widget("text_area", "Your note"), text)
            session.set_value(next(e for e in run.elements if e.kind == "checkbox"), True)
            run = await session.run(PAGE, join_query)
            tally.reruns.append(run.seconds)
            step = "save"
            pressed = await session.run(
                PAGE, join_query, press=run.widget("button", "Save my note")
            )
            run = pressed.last()  # the form drawn again, empty, after the save's rerun
            if not any(t.startswith(SAVED) for t in run.texts("alert")):
                raise ProtocolError(f"no 'saved' after Save: {pressed.texts('alert')}")
            tally.saves.append(pressed.seconds)
            tally.saved_texts.append(text)
            # The next note, if it would start before the end.
            await asyncio.sleep(
                min(random.uniform(0.5, 1.5) * room.interval, room.until - time.monotonic())
            )
    except Exception as error:  # every kind counts, by the step it happened in
        tally.errors[f"{step}: {type(error).__name__}: {str(error)[:120]}"] += 1
        if not room.everyone_in.is_set() and step != "wait for the room":
            room.arrive()  # a participant who failed to join does not hold up the room
    finally:
        with contextlib.suppress(Exception):
            await session.close()


# --- the run ------------------------------------------------------------------------------


def free_ports(count: int) -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        ok = True
        for port in range(first, first + count):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
        if ok:
            return first


def start_cluster(
    args: argparse.Namespace, store: str, log: Path
) -> tuple[subprocess.Popen, str, list[str]]:
    listen, first = free_ports(1), free_ports(args.replicas)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "ARP_DB": str(args.db),
        "ARP_WORKSHOP_DB": store,
        "ARP_LISTEN": f"127.0.0.1:{listen}",
        "ARP_REPLICA_PORT": str(first),
        "ARP_STICKY_SECRET": SECRET,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "arp.cli", "serve", "--replicas", str(args.replicas)],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 300
    while "Ctrl-C stops them all" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()  # arp serve stops its children on SIGTERM, not on SIGKILL
            process.wait(timeout=60)
            raise SystemExit(f"arp serve did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    replicas = [f"127.0.0.1:{first + n}" for n in range(args.replicas)]
    return process, f"http://127.0.0.1:{listen}", replicas


async def warm(base: str, replicas: list[str], join_query: str) -> None:
    """One page load per replica before measuring: caches filled, as after the first visitor."""
    for replica in replicas:
        session = Session(base, cookies={"arp_replica": production.sticky_cookie(SECRET, replica)})
        await session.connect()
        await session.run(PAGE, join_query)
        await session.close()


async def hold_the_room(
    args: argparse.Namespace,
    base: str,
    join_query: str,
    cookie_to_replica: dict[str, str],
    places: list[str],
    meter: Callable[[], dict],
) -> tuple[Tally, dict, dict]:
    """Every participant joins, then writes notes; measured when all have joined and after."""
    room = Room(base, join_query, args.sessions, args.duration, args.interval, cookie_to_replica)
    tally = Tally()
    now = time.monotonic()
    tasks = [
        asyncio.create_task(
            participant(
                n, places[n % len(places)], now + n * args.ramp / args.sessions, room, tally
            )
        )
        for n in range(args.sessions)
    ]
    sampler = asyncio.create_task(sample_load(tally))
    await room.everyone_in.wait()
    opened = meter()  # every participant in, none saving yet
    await asyncio.gather(*tasks)
    sampler.cancel()
    return tally, opened, meter()


async def sample_load(tally: Tally) -> None:
    """The machine's 1-minute load average every 10 s: on a shared machine, the context."""
    while True:
        tally.load.append(os.getloadavg()[0])
        await asyncio.sleep(10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120, help="seconds of saving")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument(
        "--interval", type=float, default=120, help="seconds between a participant's notes (mean)"
    )
    parser.add_argument(
        "--ramp", type=float, default=120, help="seconds over which participants join"
    )
    parser.add_argument("--db", type=Path, default=settings.database_path())
    parser.add_argument("--postgres", help="a postgresql:// URL of an empty database")
    parser.add_argument("--log", type=Path, help="keep arp serve's output in this file")
    args = parser.parse_args()
    print(" ".join(["python", *sys.argv]), flush=True)
    load_before = os.getloadavg()[0]
    with contextlib.ExitStack() as stack:
        store = args.postgres or stack.enter_context(pg_server.temporary_server())()
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        with duckdb.connect(str(args.db), read_only=True) as con:
            places = [
                r[0]
                for r in con.sql(
                    "select name from areas where level = 'lsoa' order by code"
                ).fetchall()
            ]
        random.seed(7)
        random.shuffle(places)
        workshop_session = sessions.create(store, "Room benchmark", date.today(), "loopback")
        join_query = f"session={workshop_session.session_id}"
        workshop.dispose_all()
        process, base, replicas = start_cluster(args, store, args.log or folder / "serve.log")
        try:
            cookie_to_replica = {production.sticky_cookie(SECRET, r): r for r in replicas}
            children = _children(process.pid)
            replica_pids = [p for p in children if "streamlit" in _cmdline(p)]
            caddy_pids = [p for p in children if "caddy" in _cmdline(p)]
            postgres_pids = postmaster_of(store)
            asyncio.run(warm(base, replicas, join_query))
            time.sleep(2)
            baseline_rss = rss_mb(replica_pids)

            def meter() -> dict:
                return {
                    "t": time.monotonic(),
                    "rss": rss_mb(replica_pids),
                    "cpu": {
                        "replicas": cpu_seconds(replica_pids),
                        "proxy": cpu_seconds(caddy_pids),
                        "postgres": cpu_seconds(postgres_pids),
                        "clients": sum(os.times()[:2]),
                    },
                }

            start = meter()
            tally, opened, closed = asyncio.run(
                hold_the_room(args, base, join_query, cookie_to_replica, places, meter)
            )
        finally:
            process.send_signal(signal.SIGTERM)
            stopped = process.wait(timeout=60)
        stored = insights.listing(store, "pending")
        workshop.dispose_all()
    wall = closed["t"] - opened["t"]
    lost = len(set(tally.saved_texts) - set(stored["text"]))
    duplicated = len(stored) - stored["text"].nunique()
    errors = sum(tally.errors.values())
    print(
        f"\n{args.sessions} sessions through Caddy -> {args.replicas} replicas -> PostgreSQL, "
        f"joining over {args.ramp:.0f} s (all in after {opened['t'] - start['t']:.0f} s), then"
        f" {args.duration:.0f} s of a note every ~{args.interval:.0f} s each"
    )
    print(
        f"sessions per replica: {dict(sorted(tally.replicas.items()))}; ready to write: {tally.joined}"
    )
    print(f"errors: {errors}")
    for kind, count in tally.errors.most_common():
        print(f"  {count} x {kind}")
    print(
        f"saves: {len(tally.saves)} ({len(tally.saves) / args.duration:.1f}/s); "
        f"stored {len(stored)}, lost {lost}, duplicated {duplicated}"
    )
    for name, values in (("Save -> saved", tally.saves), ("rerun (typing, place)", tally.reruns),
                         ("first page load", tally.page_loads)):  # fmt: skip
        if values:
            print(
                f"  {name:22} p50 {statistics.median(values) * 1000:7.0f} ms  "
                f"p95 {percentile(values, 0.95) * 1000:7.0f} ms  max {max(values) * 1000:7.0f} ms"
            )
    print(
        f"replica memory: {baseline_rss:.0f} MB warm, {opened['rss']:.0f} MB with "
        f"{args.sessions} sessions open, {closed['rss']:.0f} MB at the end: "
        f"{(opened['rss'] - baseline_rss) / args.sessions:.2f} MB per session"
    )
    cores = {k: (closed["cpu"][k] - opened["cpu"][k]) / wall for k in closed["cpu"]}
    joining = {
        k: (opened["cpu"][k] - start["cpu"][k]) / (opened["t"] - start["t"]) for k in start["cpu"]
    }
    joining_s = opened["t"] - start["t"]
    for phase, used, seconds in (("joining", joining, joining_s), ("saving", cores, wall)):
        print(
            f"CPU while {phase}, {seconds:.0f} s (cores of {os.cpu_count()}): "
            + ", ".join(f"{k} {v:.3f}" for k, v in used.items())
            + f"; total {sum(used.values()):.2f}"
        )
    # CPU-seconds of work, which do not grow when other programs share the machine.
    print(
        f"replica CPU per participant joining (page load, find, use the place):"
        f" {joining['replicas'] * joining_s / args.sessions:.2f} s; per note (typed, saved)"
        f" with every session open: {cores['replicas'] * wall / max(1, len(tally.saves)):.2f} s"
    )
    print(
        f"load average (1 min) {load_before:.1f} before; during the run median"
        f" {statistics.median(tally.load):.1f}, max {max(tally.load):.1f}"
        f" (other programs on this machine share its {os.cpu_count()} cores);"
        f" arp serve stopped with exit code {stopped} after SIGTERM"
    )
    return int(bool(errors or lost or duplicated))


if __name__ == "__main__":
    raise SystemExit(main())
