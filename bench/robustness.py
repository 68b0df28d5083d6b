"""Time rank uncertainty under weight uncertainty, and one scenario against another.

1,000 weight draws (default) for every LSOA of the area mapped x every scored indicator:
the composite under each draw, every area's rank in each, the median rank, the 5-95% band
and the share of draws in the worst 10% (arp.weighting.robustness_of). Then the scenario
comparison (arp.weighting.compare: two composites, ranks, who enters and leaves the worst
tenth). Medians of repeated runs, uncached (the app caches each result per database,
scenario and draw settings, so only the first view of a scenario pays this), against a real
build (ARP_DB). It also prints the answer on that build: how many areas are robustly in
the worst tenth of the overall composite under equal weights, and how many depend on them.

    ARP_DB=data/arp.duckdb .venv/bin/python bench/robustness.py [--runs N] [--draws N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb

from arp import composites, robustness, settings, weighting
from arp.framework import load_framework
from arp.workshop import Scenario

ROBUSTNESS_TARGET_MS = 300
COMPARISON_TARGET_MS = 100


def timed(function, runs: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--draws", type=int, default=robustness.DRAWS)
    parser.add_argument("--level", default="lsoa")
    args = parser.parse_args()
    framework = load_framework()
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        inputs = composites.composite_inputs(con, framework, args.level)
    equal = Scenario("Equal weights")
    room = Scenario(
        "a room's votes",
        {"policing": 3.0, "housing": 2.0, "health": 2.0, "education": 1.0, "access": 0.5},
    )
    draws = robustness.DrawSettings(draws=args.draws)
    areas, indicators = inputs.worse.shape
    print(
        f"{areas:,} {args.level.upper()}s x {indicators} scored indicators x {args.draws:,} draws"
    )

    one_ms, _ = timed(lambda: composites.composite_scores(inputs, framework, room), args.runs)
    rob_ms, result = timed(
        lambda: weighting.robustness_of(inputs, framework, equal, "overall", draws), args.runs
    )
    room_ms, _ = timed(
        lambda: weighting.robustness_of(inputs, framework, room, "overall", draws), args.runs
    )
    compare_ms, compared = timed(
        lambda: weighting.compare(inputs, framework, equal, room), args.runs
    )
    print(f"one composite (the map today): median {one_ms:.1f} ms")
    print(
        f"robustness, equal weights: median {rob_ms:.0f} ms; a room's weights: median "
        f"{room_ms:.0f} ms; target < {ROBUSTNESS_TARGET_MS} ms "
        f"(ratio to target {max(rob_ms, room_ms) / ROBUSTNESS_TARGET_MS:.2f}; "
        f"{rob_ms / one_ms:.0f} x one composite)"
    )
    print(
        f"scenario against scenario: median {compare_ms:.1f} ms; target < "
        f"{COMPARISON_TARGET_MS} ms (ratio to target {compare_ms / COMPARISON_TARGET_MS:.2f})"
    )
    assert isinstance(result, robustness.Robustness)
    print(f"overall composite, equal weights, {draws.describe()}:")
    print(f"  {result.counts()}")
    print(f"  {weighting.counts_in_words(result, args.level.upper() + 's')}")
    anything = weighting.robustness_of(
        inputs, framework, equal, "overall", robustness.DrawSettings(args.draws, spread="any")
    )
    print(f"  any weighting (the bound): {anything.counts()}")
    print(f"  in the worst tenth under equal weights itself: {int(result.frame['worst'].sum())}")
    print(f"  {robustness.comparison_summary(compared, room.name, args.level.upper() + 's')}")
    print(f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python bench/robustness.py")


if __name__ == "__main__":
    main()
