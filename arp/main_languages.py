"""Each district's main languages after English (Census 2021 TS024), in words for the
Framework page: the evidence the participant pages' languages are chosen from."""

from __future__ import annotations

import duckdb
import pandas as pd

from arp import db

TOP = 5
SOURCE = "Census 2021 TS024, main language (detailed)"
NOT_LOADED = (
    "Census 2021 TS024 (main language) is not loaded, so each district's main languages "
    "cannot be shown here. To load it, put census2021-ts024-ltla.csv (from Nomis's bulk "
    "file census2021-ts024.zip) in the source folder and rebuild (arp build)."
)


def district_languages(con: duckdb.DuckDBPyConnection, top: int = TOP) -> pd.DataFrame:
    """The `top` main languages after English of each district (empty when TS024 is not
    loaded): district, place, main_language, residents, share of residents aged 3+."""
    if not db.has_table(con, "census_counts"):
        return pd.DataFrame(
            columns=["area_code", "district", "place", "main_language", "residents", "share"]
        )
    return db.query(con, "district_main_languages", top=top)


def in_words(languages: pd.DataFrame) -> pd.DataFrame:
    """One row per district: its top languages as 'Panjabi 1.8% · Urdu 2.8% · ...'."""
    rows = []
    for district, group in languages.groupby("district", sort=True):
        named = [
            f"{row.main_language} {row.share:.1%} ({row.residents:,})"
            for row in group.sort_values("place").itertuples()
        ]
        rows.append({"District": district, "Main languages after English": " · ".join(named)})
    return pd.DataFrame(rows, columns=["District", "Main languages after English"])
