"""Moving insights in and out: importing transcribed sticky notes (validated whole, with
row-level errors, before anything is saved), exporting approved insights and votes, and
backing up the workshop database."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from arp import insights, workshop

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


def saved_keys(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    with workshop.connect(path) as con:
        rows = con.execute("select area_code, text from insights").fetchall()
    return {(area, " ".join(text.split()).casefold()) for area, text in rows}


def import_all(path: Path, check: ImportCheck) -> int:
    """Save a checked file, all or nothing: refused whole when any row has an error."""
    if check.errors:
        raise insights.InsightError(f"{len(check.errors)} row(s) have errors; nothing was saved")
    for insight in check.rows:
        insights.save(path, insight)
    return len(check.rows)


def export_approved(path: Path) -> tuple[bytes, bytes]:
    """Approved insights (no tokens, no tags that were not given) as CSV and JSON."""
    columns = "insight_id, session_id, area_code, domain, indicator_id, kind, text, submitted_at"
    frame = _query(path, f"select {columns} from insights where status = 'approved' order by 1")
    return frame.to_csv(index=False).encode(), json.dumps(
        frame.astype(str).to_dict("records"), ensure_ascii=False, indent=1
    ).encode()


def export_votes(path: Path) -> bytes:
    frame = _query(
        path,
        "select session_id, domain, sum(dots) as dots, count(*) as voters "
        "from votes group by all order by 1, 3 desc",
    )
    return frame.to_csv(index=False).encode()


def backup(path: Path) -> bytes:
    """A consistent copy of the workshop database file."""
    with workshop.connect(path) as con:
        con.execute("checkpoint")
    return path.read_bytes()


def _query(path: Path, sql: str) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    with workshop.connect(path) as con:
        return con.execute(sql).df()
