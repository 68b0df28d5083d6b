"""Time a full `arp build` from local files: median of repeated runs.

.venv/bin/python bench/build_time.py [--source-dir DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from arp.build import build
from arp.settings import REPO_ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            started = time.perf_counter()
            build(Path(folder) / f"bench-{run}.duckdb", source_dir=args.source_dir)
            seconds.append(time.perf_counter() - started)
    print(f"full build from {args.source_dir}: runs {', '.join(f'{s:.1f}' for s in seconds)} s")
    print(f"median {statistics.median(seconds):.1f} s (target: under 60 s)")
    print(f"reproduce: .venv/bin/python bench/build_time.py --runs {args.runs}")


if __name__ == "__main__":
    main()
