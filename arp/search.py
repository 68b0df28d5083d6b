"""Finding a place by what people type, and naming an area in words.

Text that reads as a postcode, whole or begun ("B10", "B10 0", "b100hn"; any case or
spacing), lists the areas its Code-Point Open postcodes lie in (queries/app/
areas_by_postcode.sql); a postcode not in the data falls back to the postcodes that start
like it. Anything else is looked up by name (ward, district, MSOA code-name or Commons
Library name) or code, tolerant of small typos (queries/app/areas_named.sql). Every result
is described as the pages name a chosen area: "Birmingham 071B, in Sparkbrook & Balsall
Heath East ward, Birmingham".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from arp import db, levels

MAX_RESULTS = 30
OUTWARD_CODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")  # B1, B10, CV6, WS10, W1A
INWARD_START = re.compile(r"(\d[A-Z]{0,2})?")  # "", 0, 0H, 0HN


@dataclass(frozen=True)
class Match:
    code: str
    level: str
    name: str
    words: str  # in_words(): what the pages call it


@dataclass(frozen=True)
class Found:
    matches: tuple[Match, ...]
    # What was searched when it is not simply what was typed, what was left out, or why
    # nothing was found. It quotes the typed text: show it as text, never as Markdown.
    note: str | None = None


@dataclass(frozen=True)
class PostcodeStart:
    """The start of a postcode: a whole outward code and the first 0 to 3 characters of
    the inward code (3: a full postcode)."""

    outward: str
    inward: str = ""

    def __str__(self) -> str:
        return f"{self.outward} {self.inward}".strip()

    def and_shorter(self) -> Iterator[PostcodeStart]:
        """This start, then with one inward character fewer each time, down to the
        outward code alone: B10 0HN, B10 0H, B10 0, B10."""
        for length in range(len(self.inward), -1, -1):
            yield PostcodeStart(self.outward, self.inward[:length])


def postcode_readings(text: str) -> list[PostcodeStart]:
    """The ways `text` reads as the start of a postcode, likeliest first. A space says
    where the outward code ends ("B1 0"); without one the longer outward code comes first
    ("B10" is B10 before B1 0; "B100HN" can only be B10 0HN). [] for anything else."""
    parts = text.upper().split()
    if len(parts) == 2 and OUTWARD_CODE.fullmatch(parts[0]) and INWARD_START.fullmatch(parts[1]):
        return [PostcodeStart(parts[0], parts[1])]
    compact = "".join(parts)
    return [
        PostcodeStart(compact[:length], compact[length:])
        for length in range(min(4, len(compact)), 1, -1)
        if OUTWARD_CODE.fullmatch(compact[:length]) and INWARD_START.fullmatch(compact[length:])
    ]


def in_words(
    level: str,
    name: str,
    name_hcl: str | None = None,
    ward: str | None = None,
    district: str | None = None,
) -> str:
    """An area as residents would recognise it: "Birmingham 071B, in Sparkbrook & Balsall
    Heath East ward, Birmingham" (an LSOA, by its best-fit ward), "Sparkbrook North
    (Birmingham 071), Birmingham" (an MSOA by its Commons Library name), "Small Heath
    ward, Birmingham", "Birmingham (district)"."""
    if level == "lsoa":
        where = [f"in {ward} ward"] if ward else []
        return ", ".join([name, *where, *([district] if district else [])])
    if level == "msoa":
        named = f"{name_hcl} ({name})" if name_hcl else name
        return f"{named}, {district}" if district else named
    if level == "ward":
        return f"{name} ward, {district}" if district else f"{name} ward"
    if level == "lad":
        return f"{name} (district)"
    return name


def _text_or_none(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _words_of(row: Mapping[str, Any]) -> str:
    return in_words(
        row["level"],
        row["name"],
        _text_or_none(row["name_hcl"]),
        _text_or_none(row["ward_name"]),
        _text_or_none(row["district_name"]),
    )


def _matches(rows: pd.DataFrame) -> tuple[Match, ...]:
    return tuple(
        Match(row["code"], row["level"], row["display_name"], _words_of(row))
        for row in rows.to_dict("records")
    )


def describe_areas(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """in_words() for each of `codes` that is an area (unknown codes are left out)."""
    rows = db.query(con, "areas_in_words", codes=list(codes))
    return {row["code"]: _words_of(row) for row in rows.to_dict("records")}


def describe_area(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """in_words() for one area; the code itself when it is not an area."""
    return describe_areas(con, [code]).get(code, code)


def find_area(
    con: duckdb.DuckDBPyConnection, text: str, level: str = "lsoa", limit: int = MAX_RESULTS
) -> Found:
    """The areas `text` names, best first, `limit` at most: by postcode when it reads as
    one that the data holds, else by name or code. `level` is the level the page shows;
    its areas come first among equally good matches."""
    text = text.strip()
    if not text:
        return Found(())
    readings = postcode_readings(text)
    has_postcodes = bool(readings) and db.has_table(con, "postcodes")
    if has_postcodes:
        found = _by_postcode(con, readings, level, limit)
        if found.matches:
            return found
    rows = db.query(con, "areas_named", text=text, level=level, limit=limit)
    no_postcode = ""
    if readings:
        no_postcode = f"{_not_held(readings[0])}." if has_postcodes else "Postcodes are not loaded."
    if rows.empty:
        return Found((), no_postcode or f'No area is named like "{text}" in the area mapped.')
    total = int(rows["areas_found"].iloc[0])
    more = f" Showing the best {limit} of {total} areas named like that." if total > limit else ""
    return Found(_matches(rows), (no_postcode + more).strip() or None)


# A name search zooms the place picker to the neighbourhoods of its best few wards and MSOAs:
# enough for the spellings a typo matches, few enough to keep the map on the likeliest place.
PLACES_ZOOMED = 5


def neighbourhoods_found(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    """The neighbourhoods (LSOAs) the place picker zooms to for a search: those it found (a
    postcode, an LSOA's name or code), else those inside the best PLACES_ZOOMED wards and
    MSOAs it found by name. A district adds none of its own (its hundreds of neighbourhoods
    cannot all be 44 px tap targets on one screen), though its name also finds the best
    MAX_RESULTS of the LSOAs named after it ("Birmingham 001A")."""
    matches = find_area(con, text, "lsoa").matches
    found = [match.code for match in matches if match.level == "lsoa"]
    if found:
        return found
    places = [match.code for match in matches if match.level in ("ward", "msoa")]
    inside: dict[str, None] = {}  # in the order of the places, each once
    for place in places[:PLACES_ZOOMED]:
        for code in db.query(con, "areas_inside_named", within=place, level="lsoa")["code"]:
            inside[code] = None
    return list(inside)


def _not_held(typed: PostcodeStart) -> str:
    if len(typed.inward) == 3:
        return f"{typed} is not a postcode in the area mapped (Code-Point Open)"
    return f'No postcode in the area mapped starts "{typed}"'


def _by_postcode(
    con: duckdb.DuckDBPyConnection, readings: list[PostcodeStart], level: str, limit: int
) -> Found:
    # Each reading as typed, then the likeliest with ever less of its inward code. The
    # others are only read whole: "B60" is not in the area mapped, and that does not
    # make it B6.
    shorter = list(readings[0].and_shorter())[1:]
    for start in [*readings, *shorter]:
        rows = db.query(
            con,
            "areas_by_postcode",
            outward=start.outward,
            inward=start.inward,
            level=level,
            limit=limit,
        )
        if not rows.empty:
            return Found(_matches(rows), _postcode_note(readings[0], start, rows, level))
    return Found(())


def _postcode_note(
    typed: PostcodeStart, searched: PostcodeStart, rows: pd.DataFrame, level: str
) -> str | None:
    notes = []
    if searched != typed:
        notes.append(f'{_not_held(typed)}; showing where the postcodes starting "{searched}" are.')
    # Counted at the level the page shows: with every one of its areas listed, the wards and
    # districts cut from the end of the list are no reason to type more.
    at_level = rows[rows["level"] == level]
    total = int(at_level["areas_at_level"].iloc[0]) if len(at_level) else 0
    if total > len(at_level):
        notes.append(
            f"Showing {len(at_level)} of the {total} {levels.plural_noun(level)} its postcodes "
            "lie in: type more of the postcode to narrow it."
        )
    return " ".join(notes) or None
