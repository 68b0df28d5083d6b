"""The moderation queue as a facilitator sees it: a page of pending notes as cards in words
(place, what it is about, when), approve, redact and approve, reject (asked twice), and
undo for each. A fragment: a click reruns the queue, not the page; the action runs in the
button's callback, so the one rerun already shows its result."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from arp import i18n, insights
from arp.ui import data, language, signin, widgets
from arp.workshop import Store

ROOM_TIMEZONE = "Europe/London"  # when the browser does not say
_MESSAGE = "moderation_message"


def room_zone() -> ZoneInfo:
    """The facilitator's browser's time zone, for clock times."""
    try:
        return ZoneInfo(st.context.timezone or ROOM_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(ROOM_TIMEZONE)


def _say(kind: str, message: str) -> None:
    st.session_state[_MESSAGE] = (kind, message)


def _quote(text: str, length: int = 70) -> str:
    flat = " ".join(str(text).split())
    return f"“{flat if len(flat) <= length else flat[: length - 1] + '…'}”"


def _act(path: Store, insight_id: int, action: str, quoted: str) -> None:
    st.session_state.pop(f"confirm-reject-{insight_id}", None)
    edited = st.session_state.get(f"edit-{insight_id}") if action == "redact" else None
    try:
        insights.moderate(path, insight_id, action, signin.current_facilitator(), edited)
    except insights.InsightError as error:
        _say("error", f"Not done: {error}.")
    else:
        _say("success", f"{insights.ACTION_WORDS[action]} {quoted}. Undo it below if need be.")


def _undo(path: Store, insight_id: int, action_number: int, quoted: str) -> None:
    try:
        insights.undo(path, insight_id, signin.current_facilitator(), action_number)
    except insights.InsightError as error:
        _say("error", f"Not undone: {error}.")
    else:
        _say("success", f"Undone: {quoted} waits for moderation again.")


def _turn_page(key: str, step: int) -> None:
    st.session_state[key] = st.session_state.get(key, 0) + step


def _ask_to_reject(insight_id: int, asking: bool) -> None:
    st.session_state[f"confirm-reject-{insight_id}"] = asking


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _card(path: Store, row, now: datetime) -> None:
    framework = data.framework()
    # The framework's and the app's own words as they are; anything else (a value no
    # validation vouched for) as text.
    domain = (
        framework.domains[row.domain].title
        if row.domain in framework.domains
        else widgets.plain(row.domain)
    )
    kind = insights.KINDS[row.kind] if row.kind in insights.KINDS else widgets.plain(row.kind)
    quoted = _quote(row.text)
    with st.container(border=True):
        st.markdown(f"**{kind}** about **{domain}**")
        about = [data.place_in_words(row.area_code)]
        if row.indicator_id and row.indicator_id in framework.indicators:
            about.append(f"measure: {framework.indicators[row.indicator_id].title}")
        about.append(f"sent {insights.when_in_words(row.submitted_at, now, room_zone())}")
        st.caption(" · ".join(about))  # official names and the framework's titles
        if isinstance(row.language, str) and row.language in i18n.LANGUAGES:
            # The pages' language when it was written: the note itself is as typed.
            written_in = i18n.LANGUAGES[row.language]
            st.caption(f"Written in {written_in.english_name} ({written_in.native_name})")
        tags = [t for t in (row.age_band, row.ethnic_group) if isinstance(t, str) and t]
        if tags:  # validated against the lists of age bands and Census groups when saved
            st.caption("About them: " + " · ".join(tags))
        st.text(row.text)  # as text: a note is never rendered as markup
        with st.expander("Redact, then approve", key=f"redact-open-{row.insight_id}"):
            st.text_area(
                "The note as it should be shown",
                value=row.text,
                key=f"edit-{row.insight_id}",
                max_chars=insights.MAX_TEXT,
            )
            st.button(
                "Redact and approve",
                key=f"redact-{row.insight_id}",
                on_click=_act,
                args=(path, row.insight_id, "redact", quoted),
            )
        if st.session_state.get(f"confirm-reject-{row.insight_id}"):
            st.warning("Reject this note? It will not be shown anywhere (you can undo it).")
            yes, no = st.columns(2)
            yes.button(
                "Yes, reject it",
                key=f"reject-yes-{row.insight_id}",
                type="primary",
                on_click=_act,
                args=(path, row.insight_id, "reject", quoted),
            )
            no.button(
                "Keep it",
                key=f"reject-no-{row.insight_id}",
                on_click=_ask_to_reject,
                args=(row.insight_id, False),
            )
            return
        approve, reject = st.columns(2)
        approve.button(
            "Approve",
            key=f"approve-{row.insight_id}",
            type="primary",
            on_click=_act,
            args=(path, row.insight_id, "approve", quoted),
        )
        reject.button(
            "Reject…",
            key=f"reject-{row.insight_id}",
            on_click=_ask_to_reject,
            args=(row.insight_id, True),
        )


def _recent(path: Store, session_id: str | None, now: datetime) -> None:
    recent = insights.recent_actions(path, session_id)
    if recent.empty:
        return
    st.subheader("Recent decisions")
    for row in recent.itertuples():
        words = insights.ACTION_WORDS.get(row.action, row.action)
        when = insights.when_in_words(row.acted_at, now, room_zone())
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.text(f"{words} by {row.facilitator}, {when}: {_quote(row.text)}")
        if row.undoable:
            button.button(
                "Undo",
                key=f"undo-{row.insight_id}-{row.action_number}",
                on_click=_undo,
                args=(path, row.insight_id, row.action_number, _quote(row.text)),
            )


@st.fragment
def moderation_queue(path: Store, session_id: str | None) -> None:
    """The queue of a session's pending notes (None: every session's), a page at a time,
    oldest first, with the latest decisions and their undo below."""
    # Fixed CSS, no user text: the room's scripts in fonts the app serves, and each note's
    # paragraphs running the way their own letters do (Urdu right to left, English left).
    st.markdown(language.every_script_styles(), unsafe_allow_html=True)
    page_key = f"queue-page-{session_id or 'all'}"
    page = insights.queue(path, session_id, st.session_state.get(page_key, 0))
    st.session_state[page_key] = page.page
    now = datetime.now(UTC)
    said = st.session_state.pop(_MESSAGE, None)
    if said:
        if said[0] == "success":
            st.success(widgets.plain(said[1]), icon=":material/check_circle:")
        else:
            st.error(widgets.plain(said[1]), icon=":material/error:")
    if not page.pending:
        st.write("No notes wait for moderation.")
    else:
        first = page.page * insights.QUEUE_PAGE + 1
        last = first + len(page.notes) - 1
        waiting = _plural(page.pending, "note waits", "notes wait")
        st.write(f"{waiting} for moderation. Showing {first:,} to {last:,}, oldest first.")
        for row in page.notes.itertuples():
            _card(path, row, now)
        if page.pages > 1:
            earlier, where, later = st.columns([1, 2, 1], vertical_alignment="center")
            earlier.button(
                "Earlier notes",
                key=f"{page_key}-earlier",
                disabled=page.page == 0,
                on_click=_turn_page,
                args=(page_key, -1),
            )
            where.caption(f"Page {page.page + 1:,} of {page.pages:,}")
            later.button(
                "Later notes",
                key=f"{page_key}-later",
                disabled=page.page >= page.pages - 1,
                on_click=_turn_page,
                args=(page_key, 1),
            )
    _recent(path, session_id, now)
