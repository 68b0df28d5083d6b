"""A room pressing Save at once: 40 concurrent savers (threads) in one process, each saving
its notes (and double-tapping the first), against the SQLite store and a PostgreSQL one.
Reports p50 and p95 from the save call to its return, and checks that no note was lost or
stored twice. Each round starts every saver at one barrier, as a room does after
"now press Save".

PYTHONPATH=. .venv/bin/python bench/workshop_saves.py [--savers 40] [--notes 5]
    [--postgres postgresql://user@host/db]   (default: a throw-away server, tests/pg_server.py)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from arp import insights, workshop
from arp.workshop import Store


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(store: Store, savers: int, notes: int) -> dict[str, float]:
    workshop.engine(store)  # the app has opened its store before the room arrives
    planned = [
        [
            insights.Insight("E01000901", "health", "barrier", f"saver {s} note {n}", True)
            for n in range(notes)
        ]
        for s in range(savers)
    ]
    timings: list[float] = []
    ids: dict[str, set[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(savers)
    lock = threading.Lock()  # guards the bench's own tallies, not the store

    def saver(index: int) -> None:
        try:
            for n, insight in enumerate(planned[index]):
                sends = 2 if n == 0 else 1  # the first note double-tapped
                barrier.wait()
                for _ in range(sends):
                    started = time.perf_counter()
                    saved = insights.save(store, insight)
                    took = time.perf_counter() - started
                    with lock:
                        timings.append(took)
                        ids.setdefault(insight.client_token, set()).add(saved)
        except BaseException as error:  # reported below
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=saver, args=(s,)) for s in range(savers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    stored = insights.listing(store, "pending")
    expected = savers * notes
    lost = expected - stored["text"].nunique()
    duplicated = len(stored) - stored["text"].nunique()
    split = sum(len(got) != 1 for got in ids.values())
    workshop.dispose_all()
    return {
        "saves": len(timings),
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": percentile(timings, 0.95) * 1000,
        "max_ms": max(timings) * 1000,
        "wall_s": wall,
        "lost": lost,
        "duplicated": duplicated + split,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--savers", type=int, default=40)
    parser.add_argument("--notes", type=int, default=5, help="notes per saver (rounds)")
    parser.add_argument("--postgres", help="a postgresql:// URL of an empty database")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(" ".join(["python", *sys.argv]))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run(Path(folder) / "workshop.sqlite3", args.savers, args.notes)
    if args.postgres:
        results["PostgreSQL"] = run(args.postgres, args.savers, args.notes)
    elif not args.no_postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests import pg_server

        try:
            with pg_server.temporary_server() as new_database:
                results["PostgreSQL (local throw-away server)"] = run(
                    new_database(), args.savers, args.notes
                )
        except pg_server.Unavailable as reason:
            print(f"PostgreSQL skipped: {reason}")
    print(f"{args.savers} savers x {args.notes} notes, the first double-tapped")
    for name, found in results.items():
        print(
            f"{name:38} saves {found['saves']:4.0f}  p50 {found['p50_ms']:7.1f} ms  "
            f"p95 {found['p95_ms']:7.1f} ms  max {found['max_ms']:7.1f} ms  "
            f"wall {found['wall_s']:5.2f} s  lost {found['lost']:.0f}  "
            f"duplicated {found['duplicated']:.0f}"
        )
    return int(any(r["lost"] or r["duplicated"] for r in results.values()))


if __name__ == "__main__":
    raise SystemExit(main())
