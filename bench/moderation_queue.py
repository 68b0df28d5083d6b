"""The room console's moderation queue with 1,000 notes waiting: the server time of every
action a facilitator takes (approve, redact and approve, reject and its confirmation, undo,
turning a page), on a real Streamlit server driven by Chromium, against the SQLite store and
a PostgreSQL one. The budget is 300 ms a click.

Server time is the time Streamlit spends on what a click causes: the widget callbacks
(where the action is stored), the script or fragment redrawn, any run it asks for next
(st.rerun), and what Streamlit does after each run (its garbage collection, when on). The
server is started by this file (--serve) with those timed, and each run matched to the
click by the button's key. The time from the click to the change on screen, as Chromium
sees it, is reported beside it. --post-script-gc times the console again with Streamlit's
default of a full garbage collection after every run (.streamlit/config.toml turns it off).

With --before REV, the moderation page of that commit (every pending note on one page) is
timed on the same store: its first drawing once signed in, and each approve, until the
server is quiet.

PYTHONPATH=. ARP_DB=data/arp.duckdb .venv/bin/python bench/moderation_queue.py \\
    [--notes 1000] [--rounds 5] [--no-postgres] [--post-script-gc] [--before 95edec9]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from map_payload import ARGS  # the Chromium flags every bench uses

REPO = Path(__file__).resolve().parent.parent
BUDGET_MS = 300
PASSWORD = "bench facilitator password"


# --- the server, with each script run timed -------------------------------------------------


def serve(script: str, log: str, port: str, post_script_gc: str) -> None:
    """`streamlit run script`, writing one JSON line per script run (each pass of
    ScriptRunner's loop: a run interrupted by a click and the click's own run are two): the
    seconds of its widget callbacks and script (or fragment), the seconds Streamlit spends
    after it (the garbage collection `runner.postScriptGC` asks for), whether it ran a
    fragment, and the keys of the buttons that triggered it."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.state.session_state import SessionState
    from streamlit.web import cli

    out = open(log, "a", buffering=1)  # noqa: SIM115 (open for the server's lifetime)
    current = threading.local()
    profile_dir = os.environ.get("ARP_BENCH_PROFILE")  # a folder: one pstats file a run
    will_rerun = SessionState.on_script_will_rerun
    execute = script_runner.exec_func_with_error_handling
    finish = script_runner.ScriptRunner._on_script_finished

    def on_script_will_rerun(self, widget_states, *args, **kwargs):
        widgets = widget_states.widgets if widget_states is not None else []
        current.triggers = [
            w.id.split("-", 2)[-1]  # "$$ID-<hash>-<key>": the key
            for w in widgets
            if w.WhichOneof("value") == "trigger_value" and w.trigger_value
        ]
        return will_rerun(self, widget_states, *args, **kwargs)

    def timed_execute(func, ctx):
        current.triggers = []
        profiler = None
        if profile_dir:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        try:
            return execute(func, ctx)
        finally:
            current.record = {
                "seconds": time.perf_counter() - started,
                "fragment": bool(ctx.fragment_ids_this_run),
                "triggers": current.triggers,
                "call": getattr(current, "call", 0),
            }
            if profiler:
                profiler.disable()
                current.record["profile"] = f"{profile_dir}/run-{time.time_ns()}.pstats"
                profiler.dump_stats(current.record["profile"])

    def timed_finish(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return finish(self, *args, **kwargs)
        finally:
            record = getattr(current, "record", None) or {"seconds": 0, "triggers": []}
            record["after_seconds"] = time.perf_counter() - started
            out.write(json.dumps(record) + "\n")
            current.record = None

    run_script = script_runner.ScriptRunner._run_script
    calls = iter(range(1, 1 << 62))

    def counted_run_script(self, rerun_data):
        # One call runs a click and whatever it asks for next (st.rerun) in one loop.
        current.call = next(calls)
        try:
            return run_script(self, rerun_data)
        finally:
            out.write(json.dumps({"call_ended": current.call}) + "\n")

    SessionState.on_script_will_rerun = on_script_will_rerun
    script_runner.exec_func_with_error_handling = timed_execute
    script_runner.ScriptRunner._on_script_finished = timed_finish
    script_runner.ScriptRunner._run_script = counted_run_script
    sys.argv = [
        "streamlit",
        "run",
        script,
        "--server.port",
        port,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--runner.postScriptGC",
        post_script_gc,
    ]
    cli.main()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(script: Path, log: Path, env: dict[str, str], gc: bool = False) -> Iterator[str]:
    port = _free_port()
    with (log.with_suffix(".out")).open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(script),
                str(log),
                str(port),
                str(gc).lower(),
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the server did not start: {log.with_suffix('.out')}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


class RunLog:
    """The server's run records, read as they grow."""

    def __init__(self, path: Path):
        self.path = path
        self.seen = 0

    def new(self) -> list[dict]:
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        fresh = [json.loads(line) for line in lines[self.seen :]]
        self.seen = len(lines)
        return fresh

    def run_for(self, key: str, timeout: float = 60) -> float:
        """The seconds of the run a click on the button `key` caused, with the runs it asked
        for in turn (an st.rerun), and Streamlit's work after each."""
        deadline = time.monotonic() + timeout
        call, total = None, 0.0
        while time.monotonic() < deadline:
            for record in self.new():
                if call is None and key in record.get("triggers", ()):
                    call = record["call"]
                if call is None:
                    continue
                if record.get("call_ended") == call:
                    return total
                if record.get("call") == call:
                    total += record["seconds"] + record["after_seconds"]
            time.sleep(0.02)
        raise TimeoutError(f"no run for {key}")

    def quiet(self, settle: float = 3.0) -> float:
        """The seconds of every run since the last look, once the server has finished what
        it was doing and started nothing for `settle` seconds (for a page with no timer,
        where every run is the click's)."""
        total, last, ended = 0.0, time.monotonic(), False
        while not (ended and time.monotonic() - last >= settle):
            fresh = self.new()
            if fresh:
                last = time.monotonic()
                ended = "call_ended" in fresh[-1]
                total += sum(r["seconds"] + r["after_seconds"] for r in fresh if "seconds" in r)
            time.sleep(0.05)
        return total


# --- the room --------------------------------------------------------------------------------


def seed(store, notes: int) -> str:
    """A session with `notes` pending notes (and 200 of another room), saved one by one as
    participants do; the session's id."""
    from arp import insights, sessions

    room_session = sessions.create(store, "Bench room", date(2026, 3, 14), "Library")
    other = sessions.create(store, "Another room", date(2026, 3, 14))
    places = ["E01009436", "E01009000", "E01008881", "E01010000"]
    for n in range(notes + 200):
        insights.save(
            store,
            insights.Insight(
                places[n % len(places)],
                ("health", "policing", "housing")[n % 3],
                ("barrier", "experience", "idea")[n % 3],
                f"Note {n}: the bus stop outside the surgery has no shelter.",
                True,
                age_band="65 and over" if n % 2 else None,
                session_id=room_session.session_id if n < notes else other.session_id,
            ),
        )
    return room_session.session_id


def sign_in(page) -> None:
    page.get_by_label("Facilitator password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def console_actions(page, runs: RunLog, store, session_id: str, rounds: int) -> dict:
    """Each action `rounds` times: (server ms, on-screen ms) lists by action."""
    from arp import insights

    timings: dict[str, list[tuple[float, float]]] = {}

    def act(name: str, key: str, then: str, fill: str | None = None) -> None:
        runs.new()
        started = time.perf_counter()
        page.locator(f".st-key-{key} button").first.click()
        page.get_by_text(then).first.wait_for(timeout=60_000)
        on_screen = (time.perf_counter() - started) * 1000
        server_ms = runs.run_for(key) * 1000
        timings.setdefault(name, []).append((server_ms, on_screen))

    def first_pending() -> int:
        return int(insights.queue(store, session_id).notes["insight_id"].iloc[0])

    def last_number(insight_id: int) -> int:
        return int(insights.recent_actions(store, session_id, 1)["action_number"].iloc[0])

    for _ in range(rounds):
        note = first_pending()
        act("approve", f"approve-{note}", "Approved “")
        act("undo", f"undo-{note}-{last_number(note)}", "Undone:")
        act("reject: ask", f"reject-{note}", "Reject this note?")
        act("reject: confirm", f"reject-yes-{note}", "Rejected “")
        act("undo", f"undo-{note}-{last_number(note)}", "Undone:")
        page.get_by_text("Redact, then approve").first.click()
        box = page.locator(f".st-key-edit-{note} textarea")
        box.fill("Note, redacted: the bus stop has no shelter.")
        box.blur()
        page.wait_for_timeout(300)  # the edit reaches the server (a run of its own)
        act("redact and approve", f"redact-{note}", "Redacted and approved “")
        act("undo", f"undo-{note}-{last_number(note)}", "Undone:")
        act("later notes", f"queue-page-{session_id}-later", "Page 2 of")
        act("earlier notes", f"queue-page-{session_id}-earlier", "Page 1 of")
    return timings


def measure(store, args, label: str, tmp: Path, browser) -> None:
    session_id = seed(store, args.notes)
    collections = (False, True) if args.post_script_gc else (False,)
    for gc in () if args.before_only else collections:
        console(store, session_id, args, label, tmp, browser, gc)
    if args.before:
        before(store, args, tmp, browser)


def facilitator_env(store) -> dict[str, str]:
    from arp import insights

    return {
        "ARP_WORKSHOP_DB": str(store),
        "ARP_FACILITATOR_PASSWORD_HASH": insights.hash_password(PASSWORD),
    }


def console(store, session_id: str, args, label: str, tmp: Path, browser, gc: bool) -> None:

    log = tmp / f"runs-{label.split()[0]}-{gc}.jsonl"
    runs = RunLog(log)
    with server(REPO / "app.py", log, facilitator_env(store), gc) as base:
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.goto(f"{base}/console?session={session_id}")
        sign_in(page)
        page.get_by_text("notes wait for moderation").wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        timings = console_actions(page, runs, store, session_id, args.rounds)
        page.context.close()
    collection = "on (Streamlit's default)" if gc else "off (.streamlit/config.toml)"
    print(f"\n{label}: {args.notes:,} notes waiting in the room (+200 in another), ")
    print(f"garbage collection after each run {collection};")
    print(f"{args.rounds} rounds; server ms per click (median, p95, max) and on screen (median)")
    worst = 0.0
    for name, pairs in timings.items():
        server_ms = [s for s, _ in pairs]
        screen_ms = [c for _, c in pairs]
        worst = max(worst, max(server_ms))
        print(
            f"  {name:20} server {statistics.median(server_ms):6.1f} "
            f"{percentile(server_ms, 0.95):6.1f} {max(server_ms):6.1f} ms   "
            f"on screen {statistics.median(screen_ms):6.0f} ms   "
            f"median / budget {statistics.median(server_ms) / BUDGET_MS:4.2f}   "
            f"each: {' '.join(f'{ms:.0f}' for ms in server_ms)}"
        )
    print(f"  slowest click: {worst:.1f} ms of server time (budget {BUDGET_MS} ms)")


def before(store, args, tmp: Path, browser) -> None:
    """The moderation page of an earlier commit on the same store: its load, and an
    approve, timed the same way."""
    from arp import insights

    old = tmp / "old_moderate.py"
    old.write_text(
        subprocess.run(
            ["git", "show", f"{args.before}:pages/moderate.py"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    log = tmp / "runs-before.jsonl"
    runs = RunLog(log)
    approvals = []
    with server(old, log, facilitator_env(store), gc=True) as base:  # as it shipped
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.goto(base)
        page.get_by_label("Facilitator password").wait_for(timeout=60_000)
        runs.new()
        sign_in(page)  # signed in, the page draws every pending note
        first = int(insights.listing(store, "pending")["insight_id"].iloc[0])
        page.locator(f".st-key-approve-{first} button").wait_for(timeout=900_000)
        load = runs.quiet() * 1000
        for _ in range(max(2, args.rounds // 2)):
            note = int(insights.listing(store, "pending")["insight_id"].iloc[0])
            page.locator(f".st-key-approve-{note} button").click(timeout=900_000)
            page.locator(f".st-key-approve-{note} button").wait_for(
                state="detached", timeout=900_000
            )
            approvals.append(runs.quiet() * 1000)  # this page has no timers: all the click's
        page.context.close()
    pending = len(insights.listing(store, "pending"))
    print(f"  before ({args.before}, every note on one page, {pending:,} pending, gc on):")
    print(
        f"    signed in, the page drawn: server {load:8.1f} ms; approve "
        f"{statistics.median(approvals):8.1f} ms "
        f"(median of {len(approvals)}); ratio to the console's approve: see above"
    )


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--serve":
        serve(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", help="a postgresql:// URL of an empty database")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--before", help="a commit whose pages/moderate.py to time as well")
    parser.add_argument(
        "--before-only", action="store_true", help="time only the earlier page (with --before)"
    )
    parser.add_argument(
        "--post-script-gc",
        action="store_true",
        help="time the console with Streamlit's garbage collection after each run, too",
    )
    args = parser.parse_args()
    print(" ".join(["python", *sys.argv]))
    from playwright.sync_api import sync_playwright

    from arp import settings

    print(f"public database: {settings.database_path()}")
    with (
        tempfile.TemporaryDirectory() as folder,
        sync_playwright() as playwright,
    ):
        tmp = Path(folder)
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("ARP_CHROMIUM", "/usr/bin/chromium"),
            args=ARGS,
        )
        measure(tmp / "workshop.sqlite3", args, "SQLite", tmp, browser)
        if args.postgres:
            measure(args.postgres, args, "PostgreSQL", tmp, browser)
        elif not args.no_postgres:
            sys.path.insert(0, str(REPO))
            from tests import pg_server

            try:
                with pg_server.temporary_server() as new_database:
                    args.before = None  # once is enough
                    measure(new_database(), args, "PostgreSQL (throw-away server)", tmp, browser)
            except pg_server.Unavailable as reason:
                print(f"PostgreSQL skipped: {reason}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
