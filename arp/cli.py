"""The `arp` command line."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
from sqlalchemy import exc as sa_exc
from tqdm import tqdm

from arp import (
    app_icon,
    db,
    exports,
    facilitators,
    folium_map,
    fonts,
    framework_versions,
    gaps,
    indicators,
    insights,
    leaflet,
    levels,
    maps,
    privacy,
    production,
    sessions,
    settings,
    snapshot,
    source_check,
    tables,
    view_state,
    workshop,
)
from arp.build import BuildError, build, rescore
from arp.framework import Framework, FrameworkError, load_framework
from arp.status import database_status


def _build(args: argparse.Namespace) -> int:
    database = args.db or settings.database_path()
    if getattr(args, "from_snapshot", None) is not None:
        if args.source_dir or args.only:
            print("--from-snapshot takes no --source-dir or --only", file=sys.stderr)
            return 2
        return _restore(args.from_snapshot, database)
    source_dir = args.source_dir or settings.source_dir()
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
    for note in report.notes:
        print(f"  {note}")
    for source_id, reason in report.skipped.items():
        print(f"  not loaded: {source_id} ({reason})")
    return 0


# What an installed app's folder (settings.app_dir()) links to in the package.
APP_FILES = ("app.py", "serve.py", "pages", ".streamlit")


def _link_app_files(app_dir: Path) -> None:
    """An installed app runs from a folder of its own: links to the packaged app.py, pages/
    and .streamlit/, beside a static/ folder that Leaflet is downloaded into."""
    app_dir.mkdir(parents=True, exist_ok=True)
    for name in APP_FILES:
        link, target = app_dir / name, settings.APP_ROOT / name
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        link.symlink_to(target, target_is_directory=target.is_dir())


def _restore(bundle: Path, database: Path) -> int:
    try:
        report = snapshot.restore(database, bundle)
    except snapshot.SnapshotError as error:
        print(f"Restore stopped: {error}", file=sys.stderr)
        if database.exists():
            print(f"The previous database {database} is unchanged.", file=sys.stderr)
        return 1
    print(
        f"Restored {database} from the bundled snapshot of {snapshot.long_date(report.created)}"
        f" ({report.bundle}) in {report.seconds:.1f} s; rebuild from the official files with"
        " `arp build`."
    )
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    database = args.db or settings.database_path()
    try:
        manifest = snapshot.create(database, args.out)
    except snapshot.SnapshotError as error:
        print(f"Snapshot stopped: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {args.out}: {len(manifest['tables'])} tables, {manifest['bytes'] / 1e6:.1f} MB")
    for table, entry in manifest["tables"].items():
        print(f"  {table:26} {entry['rows']:>9,} rows {entry['bytes'] / 1e6:7.2f} MB")
    return 0


def _app(args: argparse.Namespace) -> int:
    """Make a database if there is none, then start the Streamlit app. With ARP_SOURCE_DIR
    it is built from that folder (best effort); otherwise the bundled snapshot is restored,
    in seconds. Downloads happen only through an explicit `arp build`."""
    app_dir = _prepare_app()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_dir / "serve.py"),  # app.py behind gzip
        *args.streamlit_args,
    ]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


def _prepare_app() -> Path:
    """What the app needs before it starts (once, however many replicas): a database, the
    installed app's folder, Leaflet. Returns the folder to run serve.py from."""
    database = settings.database_path()
    status = database_status(database)
    if not status.ready:
        source_dir = settings.source_dir()
        if source_dir:
            print(
                f"No usable database at {database}: building it from {source_dir}.", file=sys.stderr
            )
            failed = _build(argparse.Namespace(source_dir=source_dir, db=database, only=None))
        elif not status.exists:
            print(
                f"No database at {database}: restoring the bundled snapshot of the official"
                " data (no download).",
                file=sys.stderr,
            )
            failed = _restore(snapshot.DEFAULT_DIR, database)
        else:
            print(
                f"The database at {database} is not usable"
                f" ({status.error or 'lacks ' + ', '.join(status.missing_tables)}); it is left"
                " as it is. Rebuild it with `arp build`, or restore the bundled snapshot with"
                " `arp build --from-snapshot`.",
                file=sys.stderr,
            )
            failed = 1
        if failed:
            print(
                "Starting the app anyway: its 'Set up data' page says what is missing.",
                file=sys.stderr,
            )
    app_dir = settings.app_dir()
    if settings.INSTALLED:
        _link_app_files(app_dir)
    leaflet.ensure(settings.leaflet_dir(), lambda message: print(message, file=sys.stderr))
    app_icon.ensure(app_icon.icon_dir(), lambda message: print(message, file=sys.stderr))
    fonts.ensure(fonts.font_dir(), lambda message: print(message, file=sys.stderr))
    return app_dir


def _serve(args: argparse.Namespace) -> int:
    """The production recipe: Caddy in front of replicas (arp/production.py)."""
    replicas = args.replicas if args.replicas is not None else settings.replica_count()
    store = settings.workshop_database_path()
    try:
        config, ports = production.plan(replicas, store)
        if args.print_config:
            print(config.render(), end="")
            return 0
        caddy = production.find_caddy()
        app_dir = settings.app_dir()
        if ports:  # replicas on this machine (not only a proxy for others)
            production.open_store_once(store)
            app_dir = _prepare_app()
        return production.serve(caddy, config, ports, app_dir, args.streamlit_args)
    except production.ServeError as error:
        print(f"arp serve: {error}", file=sys.stderr)
        return 2


def _print_table(table: pd.DataFrame, output_format: str) -> None:
    if output_format == "csv":  # for a spreadsheet: a cell that would run as a formula is text
        tables.spreadsheet_safe(table).to_csv(sys.stdout, index=False)
    else:
        with pd.option_context("display.width", 200, "display.max_columns", None):
            print(table.round(2).to_string(index=False))


def _open_database(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    database = args.db or settings.database_path()
    if not database_status(database).ready:
        raise SystemExit(f"No usable database at {database}: run `arp build` first.")
    return duckdb.connect(str(database), read_only=True)


def _stored_framework(args: argparse.Namespace) -> Framework:
    """The framework version the workshop store holds (--framework-version N, else the
    current one); the seed file where there is no store to read."""
    store = settings.workshop_database_path()
    number = getattr(args, "framework_version", None)
    try:
        if number:
            return framework_versions.get(store, number).framework()
        return framework_versions.latest(store).framework()
    except KeyError as error:
        raise SystemExit(f"arp: {error.args[0]}") from None
    except (OSError, FrameworkError, sa_exc.SQLAlchemyError) as error:
        print(f"arp: framework file, not the workshop store ({error})", file=sys.stderr)
        return load_framework()


def _framework_command(args: argparse.Namespace) -> int:
    store = args.store or settings.workshop_database_path()
    try:
        if args.framework_command == "export":
            text = framework_versions.export_text(store, args.version)
            if args.out:
                args.out.write_text(text, encoding="utf-8")
                print(f"Wrote {args.out}")
            else:
                print(text, end="")
        elif args.framework_command == "import":
            body = args.file.read_text(encoding="utf-8")
            version = framework_versions.import_text(store, body, by=None, reason=args.reason)
            print(f"Saved {version.summary()}")
        elif args.framework_command == "history":
            for version in framework_versions.history(store):
                print(version.summary())
        else:
            old, new = (
                framework_versions.get(store, args.old),
                framework_versions.get(store, args.new),
            )
            lines = framework_versions.diff(old.document, new.document)
            print(f"From version {old.number} to {new.number}:")
            print("\n".join(f"- {line}" for line in lines) or "(no change)")
    except KeyError as error:
        print(f"arp framework: {error.args[0]}", file=sys.stderr)
        return 2
    except FrameworkError as error:
        print(f"arp framework import: {error}", file=sys.stderr)
        return 1
    return 0


def _gaps(args: argparse.Namespace) -> int:
    framework = _stored_framework(args)
    if args.indicator not in framework.indicators:
        print(
            f"Unknown indicator {args.indicator!r}; known: {', '.join(framework.indicators)}",
            file=sys.stderr,
        )
        return 2
    with _open_database(args) as con:
        try:
            if args.by:
                table = gaps.exposure_by_child(
                    con, framework, args.indicator, args.within, args.by, args.detail
                )
            else:
                table = gaps.exposure(
                    con, framework.indicators[args.indicator], args.within, args.detail
                )
        except gaps.GapError as error:
            print(f"Cannot compute the gap: {error}", file=sys.stderr)
            return 1
    indicator = framework.indicators[args.indicator]
    if args.format == "csv":
        table = exports.with_note(table)
    else:
        print(
            f"{indicator.title} ({indicator.unit}), population-weighted, within {args.within}; "
            f"{framework.version_label}"
        )
        print(table.attrs["note"])
    _print_table(table, args.format)
    return 0


def _stop_search(args: argparse.Namespace) -> int:
    with _open_database(args) as con:
        if not db.has_table(con, "stop_search_ethnicity"):
            print("No stop and search data loaded.", file=sys.stderr)
            return 1
        codes = [args.within]
        if args.by:
            inside = db.query(con, "areas_inside_named", within=args.within, level=args.by)
            codes = inside["code"].tolist()
        frames = []
        try:
            for code in codes:
                table = gaps.stop_search_disproportionality(con, code)
                if args.format != "csv":  # for people: withheld counts read "fewer than 10"
                    table = gaps.stop_search_display(table)
                table.insert(0, "area_code", code)
                frames.append(table)
        except gaps.GapError as error:
            print(f"Cannot compute: {error}", file=sys.stderr)
            return 1
    table = pd.concat(frames, ignore_index=True)
    if args.format != "csv":
        print(frames[0].attrs["note"])
    _print_table(table, args.format)
    return 0


def _score(args: argparse.Namespace) -> int:
    database = args.db or settings.database_path()
    framework = _stored_framework(args) if args.framework_version else None
    try:
        statuses = rescore(database, framework)
    except BuildError as error:
        print(f"Scoring stopped: {error}", file=sys.stderr)
        return 1
    print(f"Scored {framework.version_label if framework else 'data/framework.toml'}")
    for status in statuses:
        print(f"{status.indicator.id:32} {status.status}")
    return 0


def _export(args: argparse.Namespace) -> int:
    framework = _stored_framework(args)
    public_url = settings.public_url()
    with _open_database(args) as con:
        indicators.with_runtime_values(con, framework)
        if args.what == "map":
            if not view_state.Show.from_param(args.indicator).is_valid(framework):
                print(
                    f"Unknown indicator {args.indicator!r}; known: overall, domain:<id>, "
                    f"{', '.join(framework.indicators)}",
                    file=sys.stderr,
                )
                return 2
            within = args.within or settings.COMBINED_AUTHORITY_DEFAULT
            state = view_state.ViewState(
                level=args.level,
                within=within,
                show=args.indicator,
                scenario=args.scenario,
                scheme=args.scheme,
            )
            scenarios = {
                s.name: s for s in workshop.list_scenarios(settings.workshop_database_path())
            }
            if args.scenario not in scenarios:
                print(f"Unknown weighting scenario {args.scenario!r}", file=sys.stderr)
                return 2
            if args.out.suffix.lower() in HTML_SUFFIXES:
                return _export_html(con, framework, state, scenarios[args.scenario], args.out)
            exports.render_map(
                con, framework, state, scenarios[args.scenario], args.out, args.size, public_url
            )
        else:
            said = insights.approved_for_areas(
                settings.workshop_database_path(),
                db.query(con, "codes_inside", code=args.area)["code"].tolist(),
            )["text"].tolist()
            try:
                exports.render_profile(con, framework, args.area, args.out, public_url, said=said)
            except KeyError:
                print(f"No area with code {args.area!r}", file=sys.stderr)
                return 2
    print(f"Wrote {args.out} ({framework.version_label})")
    return 0


HTML_SUFFIXES = {".html", ".htm"}


def _export_html(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    state: view_state.ViewState,
    scenario: workshop.Scenario,
    out: Path,
) -> int:
    """The interactive map (arp/folium_map.py): one HTML file that works offline."""
    try:
        shared = folium_map.view_map(con, framework, state, scenario)
    except folium_map.LeafletMissing as error:
        print(error, file=sys.stderr)
        return 1
    size = folium_map.write_html(shared, out)
    print(f"Wrote {out} ({size / 1_000_000:.2f} MB, opens with no internet)")
    return 0


def _sources_check(args: argparse.Namespace) -> int:
    """Ask every declared download whether it is still there; print one row each."""
    try:
        sources = source_check.declared_sources(args.only)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    results = source_check.check_sources(sources, timeout=args.timeout)
    if source_check.is_offline(results):
        print(
            f"Offline: none of the {len(results)} declared download addresses answered "
            f"(first: {results[0].note}). Nothing was checked. Without internet, build from "
            "a folder of the official files: `arp build --source-dir FOLDER`."
        )
        return 1 if args.strict else 0
    print(source_check.format_table(results))
    broken = source_check.unreachable_sources(results)
    reachable = len({r.source_id for r in results}) - len(broken)
    print(f"\n{reachable} source(s) reachable, {len(broken)} not", end="")
    print(f": {', '.join(broken)}" if broken else "")
    if broken:
        print(
            "A source that moved: see README, 'Updating a source when ONS republishes'.",
            file=sys.stderr,
        )
    return 1 if broken else 0


def _hash_password(args: argparse.Namespace) -> int:
    """Read a facilitator password without echoing it; print its hash for the settings."""
    password = (
        getpass.getpass("Facilitator password: ")
        if sys.stdin.isatty()
        else sys.stdin.readline().rstrip("\n")
    )
    if len(password) < 10:
        print("Choose a password of at least 10 characters.", file=sys.stderr)
        return 1
    print(insights.hash_password(password))
    return 0


def _workshop_store(args: argparse.Namespace) -> workshop.Store:
    return args.store or settings.workshop_database_path()


def _command_line_actor() -> str:
    return f"command line ({getpass.getuser()})"


def _workshop_purge(args: argparse.Namespace) -> int:
    """Delete what has reached the end of its retention period now (the app does it too)."""
    print(privacy.purge_expired(_workshop_store(args)).describe())
    return 0


def _workshop_sessions(args: argparse.Namespace) -> int:
    """The sessions with their ids and retention, to name one to delete."""
    listed = sessions.listing(_workshop_store(args))
    if not listed:
        print("No sessions.")
    for session in listed:
        print(
            f"{session.session_id}\t{session.held_on}\t{session.title}\t"
            f"kept {session.retention_days} days"
        )
    return 0


def _workshop_delete(args: argparse.Namespace) -> int:
    """Delete a session's data, or notes by id: only with --yes, and logged."""
    if not args.yes:
        print("Nothing deleted: add --yes to delete, for good.", file=sys.stderr)
        return 1
    store = _workshop_store(args)
    try:
        if args.workshop_command == "delete-session":
            counts = privacy.delete_session_data(store, args.session, _command_line_actor())
            print(
                f"Deleted session {args.session}: {counts['insights']} note(s), "
                f"{counts['moderation_log']} moderation log line(s), {counts['votes']} vote row(s)."
            )
        else:
            deleted = privacy.delete_notes(store, args.notes, _command_line_actor())
            print(f"Deleted {deleted} note(s).")
    except privacy.PrivacyError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _read_new_password() -> str:
    """Asked twice, unechoed, at a terminal; one line of stdin otherwise (for scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("The same password again: ") != first:
        raise facilitators.AccountError("the two passwords differ")
    return first


def _facilitator(args: argparse.Namespace) -> int:
    store = settings.workshop_database_path()
    try:
        if args.facilitator_command == "add":
            name = facilitators.clean_name(" ".join(args.name))
            password = _read_new_password()
            facilitators.check_new_password(password)
            account = facilitators.add_account(store, name, password)
            print(f"Added the facilitator account {account.name!r}.")
        elif args.facilitator_command == "remove":
            name = " ".join(args.name)
            if not facilitators.remove_account(store, name):
                print(f"There is no facilitator account named {name!r}.", file=sys.stderr)
                return 1
            print(f"Removed the facilitator account {name!r}; its sign-ins have ended.")
        else:
            accounts = facilitators.list_accounts(store)
            if not accounts:
                print("No facilitator accounts yet: add one with `arp facilitator add NAME`.")
            for account in accounts:
                last = (
                    f"{account.last_signed_in_at:%Y-%m-%d %H:%M} UTC"
                    if account.last_signed_in_at
                    else "never"
                )
                print(
                    f"{account.name:32}  created {account.created_at:%Y-%m-%d %H:%M} UTC"
                    f"  last signed in {last}"
                )
    except facilitators.AccountError as error:
        print(f"Not done: {error}.", file=sys.stderr)
        return 1
    return 0


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
    build_parser.add_argument(
        "--from-snapshot",
        type=Path,
        nargs="?",
        const=snapshot.DEFAULT_DIR,
        metavar="DIR",
        help="restore the database from a snapshot bundle instead (no download);"
        " default: the bundled data/snapshot/",
    )
    build_parser.set_defaults(handler=_build)
    snapshot_parser = commands.add_parser(
        "snapshot",
        help="write the app's tables for the area mapped as a small Parquet bundle",
    )
    snapshot_parser.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    snapshot_parser.add_argument(
        "--out",
        type=Path,
        default=snapshot.DEFAULT_DIR,
        help="bundle folder, replaced whole; default: data/snapshot/",
    )
    snapshot_parser.set_defaults(handler=_snapshot)
    app_parser = commands.add_parser(
        "app",
        help="start the dashboard; with no database, build it from $ARP_SOURCE_DIR or else "
        "restore the bundled snapshot; "
        "other options go to `streamlit run` (e.g. --server.port 8600)",
    )
    app_parser.set_defaults(handler=_app)
    serve_parser = commands.add_parser(
        "serve",
        help="the production recipe: Caddy in front of N replicas of the app (sticky sessions, "
        "compression, TLS with ARP_TLS_CERT and ARP_TLS_KEY); several replicas need a "
        "postgresql:// ARP_WORKSHOP_DB; other options go to each replica's `streamlit run`",
    )
    serve_parser.add_argument(
        "--replicas", type=int, help="app processes on this machine; default: $ARP_REPLICAS or 1"
    )
    serve_parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the proxy's Caddyfile (from deploy/Caddyfile.template) and exit",
    )
    serve_parser.set_defaults(handler=_serve)
    gaps_parser = commands.add_parser(
        "gaps", help="population-weighted exposure of each ethnic group to an indicator"
    )
    gaps_parser.add_argument(
        "--indicator", required=True, help="indicator id (data/framework.toml)"
    )
    gaps_parser.add_argument(
        "--within", required=True, help="area code: ward, district or E47000007"
    )
    gaps_parser.add_argument(
        "--by", choices=["ward", "lad"], help="one table per area of this level inside --within"
    )
    gaps_parser.add_argument(
        "--detail",
        choices=["broad", "detailed"],
        default="broad",
        help="broad: 5 groups on LSOA values; detailed: 19 groups, on LSOA values where the "
        "detailed LSOA counts are loaded, else on MSOA values",
    )
    gaps_parser.add_argument("--format", choices=["table", "csv"], default="table")
    gaps_parser.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    gaps_parser.set_defaults(handler=_gaps)
    stop_parser = commands.add_parser(
        "stop-search", help="stop and search rates and ratios by ethnic group"
    )
    stop_parser.add_argument(
        "--within", default="E47000007", help="area code (default: the force area)"
    )
    stop_parser.add_argument(
        "--by", choices=["ward", "lad"], help="one table per area of this level"
    )
    stop_parser.add_argument("--format", choices=["table", "csv"], default="table")
    stop_parser.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    stop_parser.set_defaults(handler=_stop_search)
    score_parser = commands.add_parser(
        "score", help="recompute the indicators after editing data/framework.toml"
    )
    score_parser.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    score_parser.set_defaults(handler=_score)
    export_parser = commands.add_parser("export", help="map images and area profile PDFs")
    export_kinds = export_parser.add_subparsers(dest="what", required=True)
    map_export = export_kinds.add_parser(
        "map", help="a map: PNG or SVG image, or an interactive HTML file, by --out's suffix"
    )
    map_export.add_argument(
        "--indicator",
        default=view_state.ViewState().show.param,  # the map page's first view
        help="indicator id, 'overall' or 'domain:<id>' (default: %(default)s)",
    )
    map_export.add_argument("--level", choices=levels.MAPPED_LEVELS, default="lsoa")
    map_export.add_argument("--within", help="area code (default: the combined authority)")
    map_export.add_argument(
        "--size", choices=list(exports.SIZES), default="slide", help="images only"
    )
    map_export.add_argument("--scheme", choices=list(maps.SCHEMES), default="quantiles")
    map_export.add_argument("--scenario", default=workshop.EQUAL_WEIGHTS)
    map_export.add_argument("--out", type=Path, required=True)
    map_export.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    profile_export = export_kinds.add_parser("profile", help="an area profile (PDF)")
    profile_export.add_argument("--area", required=True, help="area code")
    profile_export.add_argument("--out", type=Path, required=True)
    profile_export.add_argument("--db", type=Path, help="database path; default: $ARP_DB")
    export_parser.set_defaults(handler=_export)
    sources_parser = commands.add_parser("sources", help="the declared official downloads")
    sources_commands = sources_parser.add_subparsers(dest="sources_command", required=True)
    check_parser = sources_commands.add_parser(
        "check",
        help="ask every declared download address whether it answers (needs internet); "
        "exits 1 when a source is unreachable, and offline only with --strict",
    )
    check_parser.add_argument(
        "--timeout",
        type=float,
        default=source_check.DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds to wait for each address (default {source_check.DEFAULT_TIMEOUT:g})",
    )
    check_parser.add_argument(
        "--strict", action="store_true", help="exit non-zero when offline, too"
    )
    check_parser.add_argument(
        "--only", nargs="+", metavar="SOURCE", help="check only these sources"
    )
    check_parser.set_defaults(handler=_sources_check)
    hash_parser = commands.add_parser(
        "hash-password",
        help="hash a shared password for ARP_FACILITATOR_PASSWORD_HASH (used only while the "
        "store has no named account: prefer `arp facilitator add`)",
    )
    hash_parser.set_defaults(handler=_hash_password)
    workshop_parser = commands.add_parser(
        "workshop", help="the workshop store's retention and deletions (see arp.privacy)"
    )
    workshop_commands = workshop_parser.add_subparsers(dest="workshop_command", required=True)
    for name, handler, help_text in (
        ("purge", _workshop_purge, "delete what is past its session's retention period now"),
        ("sessions", _workshop_sessions, "list the sessions: id, date, title, retention"),
        ("delete-session", _workshop_delete, "delete a session's notes, log lines and votes"),
        ("delete-notes", _workshop_delete, "delete notes by id (a participant asked)"),
    ):
        command = workshop_commands.add_parser(name, help=help_text)
        command.add_argument("--store", help="the workshop store; default: $ARP_WORKSHOP_DB")
        if name == "delete-session":
            command.add_argument(
                "--session",
                required=True,
                help="the session id, as `arp workshop sessions` lists it (an id that begins "
                "with '-' is written --session=ID)",
            )
        if name == "delete-notes":
            command.add_argument("notes", nargs="+", type=int, metavar="NOTE_ID")
        if name.startswith("delete"):
            command.add_argument("--yes", action="store_true", help="really delete")
        command.set_defaults(handler=handler)
    facilitator_parser = commands.add_parser(
        "facilitator",
        help="named facilitator accounts in the workshop store ($ARP_WORKSHOP_DB)",
    )
    facilitator_commands = facilitator_parser.add_subparsers(
        dest="facilitator_command", required=True
    )
    add_parser = facilitator_commands.add_parser(
        "add",
        help="add an account; the password is asked twice (or read from one line of stdin)",
    )
    add_parser.add_argument("name", nargs="+", help="the facilitator's name, as logs show it")
    remove_parser = facilitator_commands.add_parser(
        "remove", help="remove an account and end its sign-ins"
    )
    remove_parser.add_argument("name", nargs="+")
    facilitator_commands.add_parser("list", help="names, when made, when last signed in")
    facilitator_parser.set_defaults(handler=_facilitator)
    framework_parser = commands.add_parser(
        "framework", help="framework versions in the workshop store: export, import, history"
    )
    framework_commands = framework_parser.add_subparsers(dest="framework_command", required=True)
    export_version = framework_commands.add_parser(
        "export", help="a version as a framework TOML file (the current one by default)"
    )
    export_version.add_argument("--version", type=int, help="the version number")
    export_version.add_argument("--out", type=Path, help="the file to write (default: stdout)")
    import_file = framework_commands.add_parser(
        "import", help="a framework TOML file saved as the next version, once it validates"
    )
    import_file.add_argument("file", type=Path)
    import_file.add_argument("--reason", required=True, help="one line: why it changes")
    framework_commands.add_parser("history", help="every version: when, who, session, why")
    diff_versions = framework_commands.add_parser("diff", help="what changed between versions")
    diff_versions.add_argument("old", type=int)
    diff_versions.add_argument("new", type=int)
    for command in (export_version, import_file, *framework_commands.choices.values()):
        if not any(a.dest == "store" for a in command._actions):
            command.add_argument("--store", help="the workshop store; default: $ARP_WORKSHOP_DB")
    framework_parser.set_defaults(handler=_framework_command)
    for command in (gaps_parser, map_export, profile_export, score_parser):
        command.add_argument(
            "--framework-version",
            type=int,
            help="the framework version in the workshop store (default: the current one)",
        )
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("app", "serve"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_args = extra
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
