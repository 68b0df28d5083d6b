"""Widgets the pages share: the tab's icon, the level picker, area search, table downloads,
the stop-and-search table, the link to the privacy notice, and user-typed or link-borne text
shown as text (plain)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from arp import app_icon, gaps, glossary, i18n, levels, profiles, search, tables, view_state
from arp.ui import data
from arp.ui.page_state import from_view


def page_icon() -> str:
    """The browser tab's icon as a file, which Streamlit puts in the page as a data: URL (or
    serves itself): never a `:material/...:` name, whose SVG Streamlit's frontend fetches from
    Google's font server. Streamlit's own icon until arp.app_icon has fetched ours."""
    return app_icon.page_icon() or str(Path(st.__file__).parent / "static" / "favicon.png")


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


FOUND_PICK_KEY = "find_match"  # the match chosen in find_area_box's list (the picker marks it)


def find_area_box(
    on_map: bool = False,
    pick_label: str = "Open its profile",
    level: str = "lsoa",
    words: i18n.Translator = i18n.ENGLISH,
) -> tuple[str | None, str | None]:
    """Search by postcode (whole or begun: "B10"), name or code (search.find_area; areas
    of `level` first). Returns (code, action): action is 'map' (show it on the map) or
    'profile' (open its profile) once a button is pressed. `words`: the participant's
    language, on the participant pages (pick_label given already in it)."""
    _ = words.gettext
    text = st.text_input(
        _("Find an area (name or postcode)"),
        key="find_area",
        placeholder=_("A postcode (B10, B10 0HN), ward or place"),
    )
    if not text:
        return None, None
    found = search.find_area(data.connection(), text, level)
    if found.note:
        st.caption(plain(found.note))  # it quotes what was typed
    if not found.matches:
        return None, None
    matches = {match.code: match.words for match in found.matches}
    picked = st.selectbox(
        _("Matches"), list(matches), format_func=matches.__getitem__, key=FOUND_PICK_KEY
    )
    if on_map and st.button(_("Show on the map")):
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
    shown = gaps.stop_search_display(table)
    st.caption(shown.attrs["note"])
    st.dataframe(shown, hide_index=True, width="stretch")
    return table


PRIVACY_LINK_LABEL = i18n.N_("Privacy: what we keep, and for how long")


LEVEL_TERMS = {"lsoa": "lsoa", "msoa": "msoa", "ward": "ward", "lad": "district"}


def glossary_links(*anchors: str) -> None:
    """What the words a page uses mean: one line of links to their Glossary headings."""
    links = " · ".join(
        f"[{glossary.BY_ANCHOR[anchor].term}](glossary#{anchor})" for anchor in anchors
    )
    st.caption(f"What the words mean: {links}")


def privacy_link(words: i18n.Translator = i18n.ENGLISH) -> None:
    """The one small link to the privacy notice that every participant page shows (capture,
    vote, the map and profiles that show notes). It carries the page's workshop session, so
    the notice can give that session's dates, and the participant's language."""
    params = {"session": session} if (session := st.query_params.get("session")) else {}
    if words.language.code != i18n.DEFAULT:
        params["lang"] = words.language.code
    st.page_link(
        "pages/privacy.py",
        label=words.gettext(PRIVACY_LINK_LABEL),
        icon=":material/privacy_tip:",
        query_params=params or None,
    )


# Streamlit rewrites this in a Markdown source before parsing it, even inside code.
ICON_PREFIX = ":material/"
WORD_JOINER = "\u2060"  # invisible, and breaks nothing else


def note_text(text: str) -> None:
    """A note shown back whole, as typed (never as markup), wrapped to the screen's width:
    st.text keeps each paragraph on one line, which a phone cuts off."""
    st.code(text, language=None, wrap_lines=True)


def plain(text: object) -> str:
    """Text that a user typed or a link carries, for a Streamlit label or message (which
    render Markdown): an inline code span, the one Markdown construct shown exactly as typed.
    Escaping every Markdown character is not enough: Streamlit's renderer still links bare
    addresses (https://..., www...., a@b.example) and draws :material/...: names as icons
    (tests/browser/test_crafted_links.py shows it in Chromium). The span is one line (a code
    span shows line ends as spaces anyway); its fence is longer than any run of backticks in
    the text; and a word joiner keeps ':material/' from Streamlit's rewriting."""
    line = " ".join(str(text).split()).replace(ICON_PREFIX, ":" + WORD_JOINER + ICON_PREFIX[1:])
    if not line:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", line)), default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""  # CommonMark drops it
    return f"{fence}{pad}{line}{pad}{fence}"


def link_problems(problems: list[view_state.LinkProblem]) -> None:
    """A warning for each value in the page's link that was not valid, the value as text."""
    for problem in problems:
        st.warning(
            f"{plain(problem.shown_value)} is not a valid {problem.param}; "
            "showing the default instead."
        )


# What Markdown reads as markup: emphasis, code, links, images, HTML, headings, tables,
# maths; and where Streamlit's renderer makes a link of bare text (www., ://, @).
MARKDOWN_MARKUP = re.compile(r"([\\`*_\[\]<>()#|~$!])")
AUTOLINK_STARTS = re.compile(r"(www|://|@)", re.IGNORECASE)


def literal(text: object) -> str:
    """Text from the app or the public data (an indicator's title, an area's name, a
    number) for a place Streamlit reads as Markdown where a code span would look wrong (a
    table's cells and headings, a list of sentences): every markup character escaped, a
    word joiner in anything Streamlit would link or draw as an icon. Also for the
    framework's own words, which signed-in facilitators edit (checked when saved, and
    escaped here too). Never for what a participant typed or a link carried: plain()'s."""
    line = " ".join(str(text).split()).replace(ICON_PREFIX, ":" + WORD_JOINER + ICON_PREFIX[1:])
    line = AUTOLINK_STARTS.sub(lambda m: m.group(1)[0] + WORD_JOINER + m.group(1)[1:], line)
    line = MARKDOWN_MARKUP.sub(r"\\\1", line)
    line = re.sub(r"^([-+])(?=\s|$)", r"\\\1", line)  # not a list item: "- x", "1. x"
    return re.sub(r"^(\d+)\.(?=\s|$)", r"\1\\.", line)


def bullets(items: list[tuple[str, list[str]]]) -> None:
    """Sentences the app wrote from the data as a bulleted list, each with its own
    sub-points, shown as written (literal)."""
    lines = []
    for text, points in items:
        lines.append(f"- {literal(text)}")
        lines.extend(f"    - {literal(point)}" for point in points)
    st.markdown("\n".join(lines))


def bar_table(text: pd.DataFrame, styles: pd.DataFrame, alt: str) -> None:
    """A table whose cells carry a CSS background each (a small bar: see
    comparison.bar_styles), its headings and cells shown as written (st.table reads them as
    Markdown); the first column wide enough to read on a phone, the rest scrolling."""
    shown = text.map(literal)
    shown.index = shown.index.map(literal).rename(literal(text.index.name or ""))
    shown.columns = shown.columns.map(literal)
    cells = styles.set_axis(shown.index, axis=0).set_axis(shown.columns, axis=1)
    styled = shown.style.apply(lambda _: cells, axis=None).set_table_styles(
        [
            {"selector": "th.row_heading", "props": "min-width: 10rem;"},
            {"selector": "td", "props": "min-width: 4.5rem;"},
        ]
    )
    st.table(styled, alt=alt)
