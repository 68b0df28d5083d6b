"""Themes on what the room said: free tags facilitators put on approved notes, merged
case-insensitively ("Buses", "buses " and "BUSES" are one theme, shown as first typed),
and per domain the themes with how many notes carry them and a few of those notes, so
the room sees beside each domain's indicators where lived experience points, where the
data are silent, and where data exist that nobody mentioned."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from arp import workshop
from arp.workshop import Store

MAX_THEME = 60
EXAMPLES = 2
THEME_COLUMNS = ["domain", "theme", "notes", "examples"]


class ThemeError(ValueError):
    """A theme that cannot be saved; the message says why."""


def normalised(theme: str) -> tuple[str, str]:
    """(key, words): the words with spaces collapsed, and their case-folded key."""
    words = " ".join(str(theme).split())
    if not words:
        raise ThemeError("a theme needs some words")
    key = words.casefold()  # can be longer than the words ("ß" folds to "ss")
    if len(words) > MAX_THEME or len(key) > MAX_THEME:
        raise ThemeError(f"a theme is at most {MAX_THEME} characters")
    return key, words


def tag(store: Store, insight_id: int, themes: list[str], by: str | None) -> list[str]:
    """Tag an approved note with `themes` (each once, whatever its case); returns the
    themes as they are now shown. A theme already used anywhere keeps its first spelling."""
    keyed = dict(normalised(theme) for theme in themes)
    with workshop.connect(store) as con:
        status = con.execute(
            text("select status from insights where insight_id = :id"), {"id": int(insight_id)}
        ).scalar_one_or_none()
        if status != "approved":
            raise ThemeError("only approved notes are tagged with themes")
        shown = []
        for key, words in keyed.items():
            first = con.execute(
                text(
                    "select theme from insight_themes where theme_key = :key "
                    "order by tagged_at, insight_id limit 1"
                ),
                {"key": key},
            ).scalar_one_or_none()
            exists = con.execute(
                text(
                    "select count(*) from insight_themes where insight_id = :id and theme_key = :key"
                ),
                {"id": int(insight_id), "key": key},
            ).scalar_one()
            if not exists:
                try:
                    # A savepoint: another facilitator tagging the same note with the same
                    # theme at the same moment wins, and this transaction carries on.
                    with con.begin_nested():
                        con.execute(
                            text(
                                "insert into insight_themes (insight_id, theme_key, theme, "
                                "tagged_by, tagged_at) values (:id, :key, :theme, :by, :now)"
                            ),
                            {
                                "id": int(insight_id),
                                "key": key,
                                "theme": first or words,
                                "by": by,
                                "now": datetime.now(UTC),
                            },
                        )
                except IntegrityError:
                    pass  # the same tag, saved by the other facilitator
            shown.append(first or words)
        workshop.record_action(con, by, "tagged note", f"{insight_id}: {', '.join(shown)}")
    return shown


def untag(store: Store, insight_id: int, theme: str, by: str | None) -> None:
    key, _ = normalised(theme)
    with workshop.connect(store) as con:
        con.execute(
            text("delete from insight_themes where insight_id = :id and theme_key = :key"),
            {"id": int(insight_id), "key": key},
        )
        workshop.record_action(con, by, "untagged note", f"{insight_id}: {theme}")


def themes_of(store: Store, insight_ids: list[int]) -> dict[int, list[str]]:
    """Each note's themes, as shown."""
    if not insight_ids:
        return {}
    with workshop.connect(store, write=False) as con:
        rows = con.execute(
            text(
                "select t.insight_id, t.theme_key, "
                "(select f.theme from insight_themes as f where f.theme_key = t.theme_key "
                " order by f.tagged_at, f.insight_id limit 1) as theme "
                "from insight_themes as t where t.insight_id in :ids "
                "order by t.insight_id, t.theme_key"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": [int(i) for i in insight_ids]},
        ).all()
    found: dict[int, list[str]] = {}
    for insight_id, _, theme in rows:
        found.setdefault(int(insight_id), []).append(theme)
    return found


def by_domain(store: Store) -> pd.DataFrame:
    """Per domain, each theme of its approved notes: how many notes, and up to EXAMPLES of
    them (the earliest), most-mentioned first."""
    with workshop.connect(store, write=False) as con:
        rows = workshop.frame(
            con.execute(
                text(
                    "select i.domain, t.theme_key, t.theme, t.tagged_at, i.insight_id, i.text "
                    "from insight_themes as t join insights as i on i.insight_id = t.insight_id "
                    "where i.status = 'approved' order by t.tagged_at, i.insight_id"
                ).columns(tagged_at=sa.DateTime(timezone=True))
            )
        )
    if rows.empty:
        return pd.DataFrame(columns=THEME_COLUMNS)
    shown = rows.groupby("theme_key")["theme"].first()  # the first spelling, everywhere
    grouped = rows.sort_values("insight_id").groupby(["domain", "theme_key"], sort=False)
    table = grouped.agg(notes=("insight_id", "nunique"), examples=("text", list)).reset_index()
    table["theme"] = table["theme_key"].map(shown)
    table["examples"] = table["examples"].map(lambda texts: list(dict.fromkeys(texts))[:EXAMPLES])
    table = table.sort_values(["domain", "notes", "theme"], ascending=[True, False, True])
    return table[THEME_COLUMNS].reset_index(drop=True)
