"""Time computing catalogue-built indicators at runtime, as the app does, on a real build.

For each family of the catalogue, one measure: its values at every level (roll-ups,
intervals, suppression, percentiles) from a read-only connection, as indicators.runtime_values
computes an indicator a facilitator has just built. Median of repeated runs, and the ratio
to the hand-written SQL indicator for the same measure where there is one. The issue's
target: under 2 s.

    ARP_DB=data/arp.duckdb .venv/bin/python bench/catalogue_indicator.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb

from arp import catalogue, indicators, settings
from arp.framework import load_framework
from arp.framework_versions import Document, load

# (catalogue key, the shipped indicator for the same measure, or None)
MEASURES = (
    ("census_share:TS045:lsoa:No cars or vans in household", "no_car"),
    ("service_distance:gp_practice", "distance_gp"),
    ("services_per_10k:gp_practice", "gp_practices_per_10k"),
    ("iod_score:IoD2025:imd", "imd_score_2025"),
    ("census_share:TS021:msoa:White: English, Welsh, Scottish, Northern Irish or British", None),
)


def built(con, key: str, domain: str):
    measure = next(m for m in catalogue.measures(con) if m.key == key)
    fields = catalogue.indicator_fields(measure, title=measure.label[:100], domain=domain)
    document = Document({domain: {"title": domain}}, {"bench": fields})
    return load(document).indicators["bench"]


def median_ms(con, indicator, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        indicators.runtime_values(con, [indicator])
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    framework = load_framework()
    print(f"database {settings.database_path()}, median of {args.runs} runs")
    with duckdb.connect(str(settings.database_path()), read_only=True) as con:
        started = time.perf_counter()
        found = catalogue.measures(con)
        print(
            f"catalogue: {len(found)} measures listed in {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        keys = {m.key for m in found}
        for key, like in MEASURES:
            if key not in keys:
                print(f"{key}: not in the loaded data")
                continue
            ours = median_ms(con, built(con, key, "housing"), args.runs)
            line = f"{key}: {ours:.0f} ms"
            if like and like in framework.indicators:
                theirs = median_ms(con, framework.indicators[like], args.runs)
                line += f" (hand-written {like}: {theirs:.0f} ms, ratio {ours / theirs:.2f})"
            print(line)


if __name__ == "__main__":
    main()
