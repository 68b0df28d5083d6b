"""Time recomputing the composite scores of every LSOA when the weights change.

Median of repeated runs, against a real build (ARP_DB). The matrix of indicator positions
is read once (the app caches it); what a weight change costs is the composite itself.

    .venv/bin/python bench/composite_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import duckdb

from arp import composites, settings
from arp.framework import load_framework
from arp.workshop import Scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--level", default="lsoa")
    args = parser.parse_args()
    framework = load_framework()
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        started = time.perf_counter()
        inputs = composites.composite_inputs(con, framework, args.level)
        read_ms = (time.perf_counter() - started) * 1000
    domains = [d.id for d in framework.scored_domains]
    randomiser = random.Random(2024)
    timings = []
    for _ in range(args.runs):
        scenario = Scenario("bench", {d: randomiser.choice([0.5, 1, 2, 3]) for d in domains})
        started = time.perf_counter()
        composites.composite_scores(inputs, framework, scenario)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"{len(inputs.worse):,} {args.level.upper()}s x {inputs.worse.shape[1]} indicators")
    print(f"read the position matrix once: {read_ms:.0f} ms")
    print(
        f"recompute composites on a weight change: median {statistics.median(timings):.2f} ms "
        f"(min {min(timings):.2f}, max {max(timings):.2f}) over {args.runs} runs; target < 300 ms"
    )
    print(f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python bench/composite_time.py")


if __name__ == "__main__":
    main()
