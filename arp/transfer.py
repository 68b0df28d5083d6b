"""Moving insights in and out: importing transcribed sticky notes (validated whole, with
row-level errors, before anything is saved), exporting approved insights and votes, and
backing up the workshop store (as a SQLite file that carries a manifest of what it holds and
what it leaves out)."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text

from arp import insights, privacy, tables, workshop
from arp.workshop import Store

IMPORT_COLUMNS = ("place", "domain", "kind", "text")
# The most one import may hold. A full day's workshop transcribes a few hundred sticky
# notes, and every note waits for a facilitator: 1,000 is twice a big day. 2 MB holds 1,000
# notes of up to 1,000 characters in any script (2 bytes a character in UTF-8 for most
# non-Latin ones), so the rows, not the bytes, are what a real file meets first.
IMPORT_MAX_ROWS = 1_000
IMPORT_MAX_MB = 2
# In bytes as Streamlit's uploader counts a megabyte when it refuses a bigger file before
# sending it: 1,000,000 (1,048,576 on Windows, as its server counts): check_import refuses
# what gets through between the two. `server.maxUploadSize` in .streamlit/config.toml matches.
IMPORT_MAX_BYTES = IMPORT_MAX_MB * 1_000_000
IMPORT_LIMITS = f"at most {IMPORT_MAX_ROWS:,} notes and {IMPORT_MAX_MB} MB"


@dataclass
class ImportCheck:
    rows: list[insights.Insight]
    errors: list[str]
    preview: pd.DataFrame
    refused_whole: bool = False  # the file itself (not a row) is why nothing can be saved


def _refused(reason: str, preview: pd.DataFrame | None = None) -> ImportCheck:
    return ImportCheck([], [reason], pd.DataFrame() if preview is None else preview, True)


def check_import(
    content: bytes,
    place_to_area: dict[str, str],
    domains: set[str],
    indicators: set[str],
    areas: set[str],
    ethnic_groups: set[str],
    existing: set[tuple[str, str]],
) -> ImportCheck:
    """Validate every row of a CSV of notes. `place` is an area code or a postcode
    (`place_to_area` maps normalised postcodes to LSOAs). Duplicates (within the file or of a
    saved note: same place and text) are errors too. A file over IMPORT_MAX_BYTES or
    IMPORT_MAX_ROWS is refused whole, read no further. Nothing is saved here."""
    if len(content) > IMPORT_MAX_BYTES:
        return _refused(
            f"the file is {len(content) / 1_000_000:.1f} MB ({len(content):,} bytes); a file "
            f"may hold {IMPORT_LIMITS}: split it into several files"
        )
    try:
        frame = pd.read_csv(
            io.BytesIO(content),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            nrows=IMPORT_MAX_ROWS + 1,  # one more tells a file over the limit
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        return _refused(f"the file is not a readable UTF-8 CSV ({error})")
    if len(frame) > IMPORT_MAX_ROWS:
        return _refused(
            f"the file has more than {IMPORT_MAX_ROWS:,} notes; a file may hold "
            f"{IMPORT_LIMITS}: split it into several files",
            frame.head(20),
        )
    missing = [c for c in IMPORT_COLUMNS if c not in frame.columns]
    if missing:
        return _refused(f"missing column(s): {', '.join(missing)}", frame.head(20))
    rows, errors, seen = [], [], set()
    for number, record in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
        place = record["place"].strip()
        area = place if place in areas else place_to_area.get("".join(place.upper().split()))
        # The key (and the token hashed from it) is of the text as it will be stored: a
        # hash of the unredacted text would fingerprint the details redaction removed.
        stored_text = insights.redact(record["text"].strip())[0]
        key = (area or place, " ".join(stored_text.split()).casefold())
        token = hashlib.sha256(f"{key}".encode()).hexdigest()
        try:
            insight = insights.validate(
                insights.Insight(
                    area_code=area or "",
                    domain=record["domain"].strip(),
                    kind=record["kind"].strip(),
                    text=record["text"],
                    consent=True,
                    indicator_id=record.get("indicator", "").strip() or None,
                    client_token=token,
                ),
                domains,
                indicators,
                areas,
                ethnic_groups,
            )
        except insights.InsightError as error:
            errors.append(f"row {number}: {error}")
            continue
        if key in seen:
            errors.append(f"row {number}: the same note for the same place appears twice")
            continue
        if key in existing:
            errors.append(f"row {number}: this note is already saved")
            continue
        seen.add(key)
        rows.append(insight)
    return ImportCheck(rows, errors, frame.head(20))


def saved_keys(path: Store) -> set[tuple[str, str]]:
    if not workshop.exists(path):
        return set()
    with workshop.connect(path, write=False) as con:
        rows = con.execute(text("select area_code, text from insights")).fetchall()
    return {(area, " ".join(note.split()).casefold()) for area, note in rows}


def import_all(path: Store, check: ImportCheck, *, by: str | None = None) -> int:
    """Save a checked file, all or nothing: refused whole when any row has an error, and
    saved in one transaction. `by` is the facilitator, logged."""
    if check.errors:
        raise insights.InsightError(f"{len(check.errors)} row(s) have errors; nothing was saved")
    insights.save_all(path, check.rows)
    workshop.log_action(path, by, "imported notes", f"{len(check.rows)} note(s)")
    return len(check.rows)


def export_approved(path: Store) -> tuple[bytes, bytes]:
    """Approved insights (no tokens, no tags that were not given) as CSV and JSON, each note
    as written (UTF-8) with the language it was written in."""
    columns = (
        "insight_id, session_id, area_code, domain, indicator_id, kind, text, submitted_at, "
        "language"
    )
    frame = _query(path, f"select {columns} from insights where status = 'approved' order by 1")
    return tables.spreadsheet_safe(frame).to_csv(index=False).encode(), json.dumps(
        frame.astype(str).to_dict("records"), ensure_ascii=False, indent=1
    ).encode()


def export_votes(path: Store) -> bytes:
    frame = _query(
        path,
        "select session_id, domain, sum(dots) as dots, count(*) as voters "
        "from votes group by session_id, domain order by 1, 3 desc, 2",
    )
    return tables.spreadsheet_safe(frame).to_csv(index=False).encode()


# What a backup leaves out. It is a copy that lives on outside the store, where retention
# cannot reach it, so it holds only what may be kept: no rejected note (nor its log lines),
# and no original wording of a redacted note (the store keeps that only until the session's
# retention ends). Pending notes are kept, so that no unmoderated note is lost.
BACKUP_ROWS = {
    "insights": "select * from insights where status <> 'rejected'",
    "moderation_log": "select * from moderation_log where insight_id in "
    "(select insight_id from insights where status <> 'rejected')",
    "insight_themes": "select * from insight_themes where insight_id in "
    "(select insight_id from insights where status <> 'rejected')",
}
BACKUP_BLANKED = {"moderation_log": ("previous_text",)}
BACKUP_EXCLUDES = (
    "rejected notes, and their moderation log lines",
    "the original wording of notes a facilitator redacted (the store keeps it only until the "
    "session's retention period ends, then deletes it)",
    "notes and original wordings already deleted when their retention period ended, or by a "
    "facilitator",
)
MANIFEST_TABLE = "backup_manifest"


def backup(path: Store) -> bytes:
    """The workshop store as a SQLite file (see backup_with_manifest)."""
    return backup_with_manifest(path)[0]


def backup_with_manifest(path: Store) -> tuple[bytes, dict[str, Any]]:
    """A consistent copy of the workshop store as a SQLite file, whichever store it is, and
    its manifest (also inside the file, in `backup_manifest`): what it holds, counted by table
    and status, when it was made, and what it leaves out (BACKUP_EXCLUDES). What retention
    says is due is purged first; the tables are read in one transaction (a snapshot)."""
    purged = privacy.purge_expired(path)
    made_at = privacy.utc_now()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "workshop-backup.sqlite3"
        copy = sa.create_engine(f"sqlite+pysqlite:///{target}")
        try:
            workshop.migrate(copy)
            with workshop.connect(path, write=False) as source, copy.begin() as con:
                if source.dialect.name == "postgresql":
                    source.execute(text("set transaction isolation level repeatable read"))
                manifest = _manifest(source, made_at, purged)
                for table in workshop.BACKUP_TABLES:
                    result = source.execute(text(BACKUP_ROWS.get(table, f"select * from {table}")))
                    columns = list(result.keys())
                    blanked = {c: None for c in BACKUP_BLANKED.get(table, ())}
                    rows = [{**dict(zip(columns, row, strict=True)), **blanked} for row in result]
                    if rows:
                        con.execute(
                            text(
                                f"insert into {table} ({', '.join(columns)}) "
                                f"values ({', '.join(':' + c for c in columns)})"
                            ),
                            rows,
                        )
                con.execute(text(f"create table {MANIFEST_TABLE} (manifest text not null)"))
                con.execute(
                    text(f"insert into {MANIFEST_TABLE} values (:m)"),
                    {"m": json.dumps(manifest, indent=1, ensure_ascii=False)},
                )
        finally:
            copy.dispose()
        return target.read_bytes(), manifest


def backup_preview(path: Store) -> dict[str, Any]:
    """The manifest a backup made now would carry, without making the file (the file itself
    is made only when a signed-in facilitator asks for it)."""
    with workshop.connect(path, write=False) as source:
        return _manifest(source, privacy.utc_now(), privacy.Purged())


def _count(source: sa.Connection, sql: str) -> int:
    return int(source.execute(text(sql)).scalar_one())


def _manifest(source: sa.Connection, made_at: Any, purged: privacy.Purged) -> dict[str, Any]:
    by_status = {
        status: int(n)
        for status, n in source.execute(
            text("select status, count(*) from insights group by status order by status")
        )
    }
    rows = {
        table: _count(source, f"select count(*) from ({BACKUP_ROWS[table]}) as kept")
        if table in BACKUP_ROWS
        else _count(source, f"select count(*) from {table}")
        for table in workshop.BACKUP_TABLES
    }
    sessions = source.execute(
        text(
            "select session_id, title, held_on, retention_days from sessions order by held_on"
        ).columns(held_on=sa.Date)
    ).all()
    return {
        "what": "West Midlands Anti-Racist Places: a backup of the workshop store",
        "made_at": made_at.isoformat(timespec="seconds"),
        "from": source.dialect.name,
        "schema_version": workshop.SCHEMA_VERSION,
        "rows": rows,
        "notes_by_status": {s: n for s, n in by_status.items() if s != "rejected"},
        "excluded": {
            "rejected notes": by_status.get("rejected", 0),
            "moderation log lines of rejected notes": _count(
                source,
                "select count(*) from moderation_log where insight_id in "
                "(select insight_id from insights where status = 'rejected')",
            ),
            "original wordings of redacted notes": _count(
                source, "select count(*) from moderation_log where previous_text is not null"
            ),
        },
        "never_included": list(BACKUP_EXCLUDES),
        "purged_just_before": asdict(purged),
        "sessions": [
            {
                "session_id": session_id,
                "title": title,
                "held_on": held_on.isoformat(),
                "retention_days": int(days),
                "unapproved_notes_kept_until": (held_on + timedelta(days=int(days))).isoformat(),
            }
            for session_id, title, held_on, days in sessions
        ],
        "pending_notes_note": (
            "Pending notes are included so that none is lost. The store deletes them when "
            "their session's retention period ends; this copy cannot: delete old backups."
        ),
    }


def read_manifest(content: bytes) -> dict[str, Any]:
    """The manifest inside a backup file's bytes."""
    import sqlite3
    from contextlib import closing

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "backup.sqlite3"
        target.write_bytes(content)
        with closing(sqlite3.connect(target)) as con:
            (manifest,) = con.execute(f"select manifest from {MANIFEST_TABLE}").fetchone()
    return dict(json.loads(manifest))


def describe_manifest(manifest: dict[str, Any]) -> str:
    """The manifest in one line, for beside the download button."""
    notes = ", ".join(f"{n} {status}" for status, n in manifest["notes_by_status"].items())
    excluded = manifest["excluded"]
    return (
        f"Made {manifest['made_at']}: notes {notes or 'none'}; "
        f"{manifest['rows']['votes']} vote rows, {manifest['rows']['sessions']} session(s). "
        f"Left out: {excluded['rejected notes']} rejected note(s) and "
        f"{excluded['original wordings of redacted notes']} original wording(s) of redacted "
        "notes."
    )


def _query(path: Store, sql: str) -> pd.DataFrame:
    if not workshop.exists(path):
        return pd.DataFrame()
    with workshop.connect(path, write=False) as con:
        return workshop.frame(con.execute(text(sql)))
