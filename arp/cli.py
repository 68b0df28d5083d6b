"""The `arp` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

from arp import settings
from arp.build import BuildError, build
from arp.status import database_status


def _build(args: argparse.Namespace) -> int:
    source_dir = args.source_dir or settings.source_dir()
    database = args.db or settings.database_path()
    interactive = sys.stderr.isatty()
    with tqdm(
        total=100, bar_format="{percentage:3.0f}%|{bar}| {desc}", disable=not interactive
    ) as bar:

        def progress(fraction: float, message: str) -> None:
            if not interactive:  # a log gets one plain line per step, not redrawn bars
                print(f"{fraction:4.0%} {message}", file=sys.stderr)
                return
            bar.n = round(fraction * 100)
            bar.set_description_str(message[:70])
            bar.refresh()

        try:
            report = build(database, source_dir=source_dir, only=args.only, progress=progress)
        except (BuildError, FileNotFoundError) as error:
            bar.close()
            print(f"\nBuild stopped: {error}", file=sys.stderr)
            if database.exists():
                print(f"The previous database {database} is unchanged.", file=sys.stderr)
            return 1
    print(f"Built {report.database} from {len(report.loaded)} source(s) in {report.seconds:.1f} s")
    for source_id, reason in report.skipped.items():
        print(f"  not loaded: {source_id} ({reason})")
    return 0


def _app(args: argparse.Namespace) -> int:
    """Build the database if it is missing (best effort), then start the Streamlit app."""
    database = settings.database_path()
    if not database_status(database).ready:
        source_dir = settings.source_dir()
        origin = source_dir or "the official downloads"
        print(f"No usable database at {database}: building it from {origin}.", file=sys.stderr)
        failed = _build(argparse.Namespace(source_dir=source_dir, db=database, only=None))
        if failed:
            print(
                "Starting the app anyway: its 'Set up data' page says what is missing.",
                file=sys.stderr,
            )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(settings.REPO_ROOT / "app.py"),
        *args.streamlit_args,
    ]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="arp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="load the official source files into the DuckDB database"
    )
    build_parser.add_argument(
        "--source-dir",
        type=Path,
        help="read source files from this folder (searched recursively)"
        " instead of downloading them; default: $ARP_SOURCE_DIR",
    )
    build_parser.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    build_parser.add_argument(
        "--only", nargs="+", metavar="SOURCE", help="reload only these sources"
    )
    build_parser.set_defaults(handler=_build)
    app_parser = commands.add_parser(
        "app",
        help="start the dashboard, building the database first if it is missing; "
        "other options go to `streamlit run` (e.g. --server.port 8600)",
    )
    app_parser.set_defaults(handler=_app)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "app":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_args = extra
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
