"""Time rendering the WMCA LSOA map as a PNG on the server: median of repeated runs.

ARP_DB=... .venv/bin/python bench/export_time.py [--runs N] [--size slide]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from arp import exports, settings, view_state
from arp.framework import load_framework
from arp.workshop import Scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="slide", choices=list(exports.SIZES))
    args = parser.parse_args()
    framework = load_framework()
    timings = []
    with (
        duckdb.connect(str(settings.database_path()), read_only=True) as con,
        tempfile.TemporaryDirectory() as folder,
    ):
        for run in range(args.runs):
            state = view_state.ViewState(show=["imd_score_2025", "no_car"][run % 2], level="lsoa")
            started = time.perf_counter()
            exports.render_map(
                con,
                framework,
                state,
                Scenario("Equal weights"),
                Path(folder) / "map.png",
                args.size,
            )
            timings.append(time.perf_counter() - started)
    print(
        f"WMCA LSOA map PNG ({args.size}): median {statistics.median(timings):.2f} s "
        f"(min {min(timings):.2f}, max {max(timings):.2f}) over {args.runs} runs; target < 3 s"
    )
    print(f"reproduce: ARP_DB={settings.database_path()} .venv/bin/python bench/export_time.py")


if __name__ == "__main__":
    main()
