"""Widgets the pages share: the level picker, area search, table downloads, the
stop-and-search table, the link to the privacy notice, and escaping of user-typed text for
Markdown labels."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from arp import gaps, levels, profiles, search, tables
from arp.ui import data
from arp.ui.page_state import from_view


def level_picker(current: str, key: str) -> str:
    """The geography level radio, shared by the map and compare pages."""
    return st.radio(
        "Areas",
        levels.MAPPED_LEVELS,
        key=from_view(key, current, levels.MAPPED_LEVELS),
        format_func=levels.LABELS.get,
        horizontal=True,
    )


def csv_download(label: str, frame: pd.DataFrame, file_name: str, index: bool = False) -> None:
    """A download button for a table, as UTF-8 CSV."""
    content = tables.spreadsheet_safe(frame).to_csv(index=index).encode("utf-8")
    st.download_button(label, content, file_name=file_name, mime="text/csv")


def find_area_box(
    on_map: bool = False, pick_label: str = "Open its profile", level: str = "lsoa"
) -> tuple[str | None, str | None]:
    """Search by postcode (whole or begun: "B10"), name or code (search.find_area; areas
    of `level` first). Returns (code, action): action is 'map' (show it on the map) or
    'profile' (open its profile) once a button is pressed."""
    text = st.text_input(
        "Find an area (name or postcode)",
        key="find_area",
        placeholder="A postcode (B10, B10 0HN), ward or place",
    )
    if not text:
        return None, None
    found = search.find_area(data.connection(), text, level)
    if found.note:
        st.caption(plain(found.note))  # it quotes what was typed
    if not found.matches:
        return None, None
    words = {match.code: match.words for match in found.matches}
    picked = st.selectbox("Matches", list(words), format_func=words.__getitem__, key="find_match")
    if on_map and st.button("Show on the map"):
        return picked, "map"
    if st.button(pick_label):
        return picked, "profile"
    return None, None


def stop_search_table(code: str) -> pd.DataFrame | None:
    """Shows the stop-and-search table (made, with small numbers withheld, by
    profiles.stop_search); returns it for charts, or None when none is loaded."""
    table = profiles.stop_search(data.connection(), code)
    if table is None:
        st.caption("No stop and search data loaded.")
        return None
    st.caption(table.attrs["note"])
    st.dataframe(gaps.stop_search_display(table), hide_index=True, width="stretch")
    return table


PRIVACY_LINK_LABEL = "Privacy: what we keep, and for how long"


def privacy_link() -> None:
    """The one small link to the privacy notice that every participant page shows (capture,
    vote, the map and profiles that show notes). It carries the page's workshop session, so
    the notice can give that session's dates."""
    session = st.query_params.get("session")
    st.page_link(
        "pages/privacy.py",
        label=PRIVACY_LINK_LABEL,
        icon=":material/privacy_tip:",
        query_params={"session": session} if session else None,
    )


def note_text(text: str) -> None:
    """A note shown back whole, as typed (never as markup), wrapped to the screen's width:
    st.text keeps each paragraph on one line, which a phone cuts off."""
    st.code(text, language=None, wrap_lines=True)


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def plain(text: str) -> str:
    """User-typed text made safe inside Streamlit labels and messages, which render Markdown:
    every Markdown character is escaped, so it shows exactly as typed."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
