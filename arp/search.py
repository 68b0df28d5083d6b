"""Finding an area by what people type: a name, a code or a postcode."""

from __future__ import annotations

import duckdb

from arp import db


def find_area(con: duckdb.DuckDBPyConnection, text: str) -> list[tuple[str, str, str]]:
    """(code, name, level) of areas whose name or code contains `text`, or the LSOA of a
    full postcode."""
    text = text.strip()
    if not text:
        return []
    if db.has_table(con, "postcodes"):
        key = "".join(text.upper().split())
        postcode = db.query(con, "area_by_postcode", key=key)
        if len(postcode):
            return list(postcode.itertuples(index=False, name=None))
    return list(db.query(con, "areas_named", text=text).itertuples(index=False, name=None))
