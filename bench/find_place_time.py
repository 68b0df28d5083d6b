"""Time the find box: search.find_area() over what people type to find their place.

Each query of a realistic list (outward codes, sectors, full postcodes with and without a
space, postcodes Code-Point does not hold, ward, district and Commons Library MSOA names,
typos, codes, and text that finds nothing) runs --runs times against a real build
(ARP_DB), on one read-only connection as the app holds. Prints each query's median, and
the median and 95th percentile over all queries' medians; the first call of a connection
(which plans and caches) is timed apart.

    ARP_DB=/work/real/arp.duckdb .venv/bin/python bench/find_place_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import duckdb

from arp import search, settings

QUERIES = (
    # postcodes: outward codes, sectors, full, spaced or not, and not in Code-Point
    "B10",
    "b11",
    "CV6",
    "WV10",
    "DY4",
    "WS1",
    "B10 0",
    "b100",
    "CV2 4",
    "B10 0HA",
    "b100ha",
    "cv6 5jn",
    "WS10 7QR",
    "b100hn",
    "B60",
    # ward, district and Commons Library MSOA names, as typed
    "Small Heath",
    "smallheath",
    "Sparkbrook",
    "sparkbrok",
    "balsal heath",
    "Handsworth",
    "handsworh",
    "erdingtn",
    "Kings Heath",
    "king's norton",
    "Lozells East",
    "Sparkhill North",
    "Foleshill",
    "Tipton",
    "Wolverhamton",
    "Coventry",
    "sutton",
    "st pauls",
    # codes and code-names, and nothing
    "E01009363",
    "Birmingham 071B",
    "071",
    "xyzzy",
)


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[round(fraction * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--level", default="lsoa")
    args = parser.parse_args()
    database = settings.database_path()
    with duckdb.connect(str(database), read_only=True) as con:
        started = time.perf_counter()
        search.find_area(con, QUERIES[0], args.level)
        first_ms = (time.perf_counter() - started) * 1000
        medians, cpu_medians, results = {}, {}, {}
        for text in QUERIES:
            timings, cpu_timings = [], []
            for _ in range(args.runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                found = search.find_area(con, text, args.level)
                timings.append((time.perf_counter() - started) * 1000)
                cpu_timings.append((time.process_time() - cpu_started) * 1000)
            medians[text] = statistics.median(timings)
            cpu_medians[text] = statistics.median(cpu_timings)
            results[text] = found
    for text, median in medians.items():
        found = results[text]
        first = found.matches[0].words if found.matches else f"(none) {found.note}"
        cpu = cpu_medians[text]
        print(f"{median:7.1f} ms (CPU {cpu:5.1f})  {len(found.matches):3d}  {text!r:22} {first}")
    ordered, cpu_ordered = sorted(medians.values()), sorted(cpu_medians.values())
    print(
        f"{len(QUERIES)} queries x {args.runs} runs, level {args.level}, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: median of the queries' medians "
        f"{statistics.median(ordered):.1f} ms (CPU {statistics.median(cpu_ordered):.1f}), "
        f"95th percentile {percentile(ordered, 0.95):.1f} ms "
        f"(CPU {percentile(cpu_ordered, 0.95):.1f}), slowest {ordered[-1]:.1f} ms; "
        f"first call of the connection {first_ms:.0f} ms"
    )
    print(f"reproduce: ARP_DB={database} .venv/bin/python bench/find_place_time.py")


if __name__ == "__main__":
    main()
