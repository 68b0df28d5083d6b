"""Moving insights in and out: importing transcribed sticky notes (validated whole, with
row-level errors, before anything is saved), exporting approved insights and votes, and
backing up the workshop store (as a SQLite file)."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text

from arp import insights, tables, workshop
from arp.workshop import Store

IMPORT_COLUMNS = ("place", "domain", "kind", "text")


@dataclass
class ImportCheck:
    rows: list[insights.Insight]
    errors: list[str]
    preview: pd.DataFrame


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
    saved note: same place and text) are errors too. Nothing is saved here."""
    try:
        frame = pd.read_csv(
            io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        return ImportCheck([], [f"the file is not a readable UTF-8 CSV ({error})"], pd.DataFrame())
    missing = [c for c in IMPORT_COLUMNS if c not in frame.columns]
    if missing:
        return ImportCheck([], [f"missing column(s): {', '.join(missing)}"], frame.head(20))
    rows, errors, seen = [], [], set()
    for number, record in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
        place = record["place"].strip()
        area = place if place in areas else place_to_area.get("".join(place.upper().split()))
        key = (area or place, " ".join(record["text"].split()).casefold())
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
    """Save a checked file, all or nothing: refused whole when any row has an error. `by` is
    the facilitator, logged."""
    if check.errors:
        raise insights.InsightError(f"{len(check.errors)} row(s) have errors; nothing was saved")
    for insight in check.rows:
        insights.save(path, insight)
    workshop.log_action(path, by, "imported notes", f"{len(check.rows)} note(s)")
    return len(check.rows)


def export_approved(path: Store) -> tuple[bytes, bytes]:
    """Approved insights (no tokens, no tags that were not given) as CSV and JSON."""
    columns = "insight_id, session_id, area_code, domain, indicator_id, kind, text, submitted_at"
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


def backup(path: Store) -> bytes:
    """A consistent copy of the workshop store as a SQLite file, whichever store it is: every
    table, read in one transaction (a snapshot), written into a new file."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "workshop-backup.sqlite3"
        copy = sa.create_engine(f"sqlite+pysqlite:///{target}")
        try:
            workshop.migrate(copy)
            with workshop.connect(path, write=False) as source, copy.begin() as con:
                if source.dialect.name == "postgresql":
                    source.execute(text("set transaction isolation level repeatable read"))
                for table in workshop.BACKUP_TABLES:
                    result = source.execute(text(f"select * from {table}"))
                    columns = list(result.keys())
                    rows = [dict(zip(columns, row, strict=True)) for row in result]
                    if rows:
                        con.execute(
                            text(
                                f"insert into {table} ({', '.join(columns)}) "
                                f"values ({', '.join(':' + c for c in columns)})"
                            ),
                            rows,
                        )
        finally:
            copy.dispose()
        return target.read_bytes()


def _query(path: Store, sql: str) -> pd.DataFrame:
    if not workshop.exists(path):
        return pd.DataFrame()
    with workshop.connect(path, write=False) as con:
        return workshop.frame(con.execute(text(sql)))
