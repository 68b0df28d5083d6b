"""The framework editor, for signed-in facilitators: domains, indicators, new indicators
from the catalogue of measures, and the history of versions with their differences and
restore. Every change goes through arp.framework_versions (validated, versioned, refused
when another facilitator saved first); this module only draws the forms."""

from __future__ import annotations

import re

import streamlit as st

from arp import catalogue, insights, settings, themes
from arp import framework_versions as fv
from arp.framework import KINDS, POLARITIES
from arp.framework_versions import Edit
from arp.ui import data, widgets

BASE_KEY = "framework_editor_based_on"  # the version this browser's edits start from
FLASH_KEY = "framework_editor_flash"
NO_DOMAIN = ""  # an indicator detached from every domain
KIND_WORDS = {
    "level": "level (how an area is doing)",
    "disparity": "disparity (a gap between groups)",
    "context": "context (no judgement)",
}
POLARITY_WORDS = {
    "higher_is_worse": "higher is worse",
    "higher_is_better": "higher is better",
    "no_judgement": "no judgement",
}
MAX_RESULTS = 60


def _store():
    return settings.workshop_database_path()


def _based_on() -> int:
    if BASE_KEY not in st.session_state:
        st.session_state[BASE_KEY] = fv.latest_number(_store())
    return int(st.session_state[BASE_KEY])


def _flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def _save(edits: list[Edit], facilitator: str, reason: str) -> None:
    """Save `edits` as the next version, or say every reason it was not saved."""
    if not edits:
        st.info("Nothing changed, so nothing was saved.")
        return
    try:
        saved = fv.edit(
            _store(),
            edits,
            based_on=_based_on(),
            by=facilitator,
            reason=reason,
            session_id=st.session_state.get("workshop_session"),
        )
    except fv.FrameworkConflict as conflict:
        st.error("Not saved: another facilitator saved a version since you started.")
        st.text(str(conflict))
        return
    except fv.FrameworkError as error:
        st.error("Not saved. Every reason:")
        st.text(str(error).removeprefix("Not saved:\n"))
        return
    _after_save(saved)


def _after_save(saved: fv.Version) -> None:
    st.session_state[BASE_KEY] = saved.number
    st.session_state[FLASH_KEY] = f"Saved as framework version {saved.number}."
    data.forget_framework_version()
    st.rerun()


def _reason_box() -> str:
    return st.text_input(
        "Why (one line, kept with the version)",
        key="framework_editor_reason",
        max_chars=fv.MAX_REASON,
        placeholder="e.g. the room: overcrowding belongs under housing",
    )


def _moved_on(based_on: int) -> bool:
    """Warn when the framework moved on since this browser started editing."""
    current = fv.latest_number(_store())
    if current == based_on:
        return False
    st.warning(
        f"The framework moved on to version {current} since you started from version "
        f"{based_on}. A change saved now would be refused; start from the current version."
    )
    lines = fv.diff(fv.get(_store(), based_on).document, fv.get(_store(), current).document)
    st.text("\n".join(f"- {line}" for line in lines) or "(no change in content)")
    if st.button("Start from the current version", key="framework_editor_rebase"):
        st.session_state[BASE_KEY] = current
        st.rerun()
    return True


def _domain_label(document: fv.Document, key: str) -> str:
    if key == NO_DOMAIN:
        return "(not in any domain)"
    domain = document.domains[key]
    return domain.get("title", key) + (" (retired)" if domain.get("retired") else "")


def _domains_tab(document: fv.Document, facilitator: str, reason: str) -> None:
    keys = list(document.domains)
    chosen = st.selectbox(
        "Domain",
        keys,
        format_func=lambda k: _domain_label(document, k),
        key="framework_editor_domain",
    )
    domain = document.domains[chosen]
    with st.form("framework_editor_domain_form"):
        # Keys name the domain: choosing another one starts its fields afresh.
        title = st.text_input(
            "Title", value=domain.get("title", ""), max_chars=fv.MAX_TITLE, key=f"d_title_{chosen}"
        )
        description = st.text_area(
            "Description",
            value=domain.get("description", ""),
            max_chars=fv.MAX_TEXT,
            key=f"d_description_{chosen}",
        )
        retired = st.checkbox(
            "Retired (out of the framework)",
            value=bool(domain.get("retired")),
            key=f"d_retired_{chosen}",
        )
        position = st.number_input(
            "Position (1 = first)",
            1,
            len(keys),
            keys.index(chosen) + 1,
            step=1,
            key=f"d_position_{chosen}",
        )
        if st.form_submit_button("Save the domain"):
            edits = []
            if title != domain.get("title", ""):
                edits.append(Edit("rename_domain", chosen, {"title": title}))
            if description != domain.get("description", ""):
                edits.append(Edit("describe_domain", chosen, {"description": description}))
            if retired != bool(domain.get("retired")):
                edits.append(Edit("retire_domain" if retired else "reinstate_domain", chosen))
            if int(position) != keys.index(chosen) + 1:
                order = [k for k in keys if k != chosen]
                order.insert(int(position) - 1, chosen)
                edits.append(Edit("reorder_domains", values={"order": order}))
            _save(edits, facilitator, reason)
    with st.form("framework_editor_new_domain"):
        st.write("A new domain")
        title = st.text_input("Title", key="new_domain_title", max_chars=fv.MAX_TITLE)
        description = st.text_area("Description", key="new_domain_description")
        if st.form_submit_button("Add the domain"):
            key = _new_id(title, document.domains)
            _save(
                [Edit("add_domain", key, {"title": title, "description": description})],
                facilitator,
                reason,
            )


def _new_id(title: str, taken) -> str:
    """An id from a title: 'Who feels safe on the bus' -> 'who_feels_safe_on_the_bus'."""
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "new"
    base = base if base[0].isalpha() else f"x_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _indicator_label(document: fv.Document, key: str) -> str:
    indicator = document.indicators[key]
    notes = []
    if indicator.get("retired"):
        notes.append("retired")
    if indicator.get("domain", "") == NO_DOMAIN:
        notes.append("not in any domain")
    if indicator.get("catalogue"):
        notes.append("from the catalogue")
    return indicator.get("title", key) + (f" ({', '.join(notes)})" if notes else "")


def _indicators_tab(document: fv.Document, facilitator: str, reason: str) -> None:
    chosen = st.selectbox(
        "Indicator",
        list(document.indicators),
        format_func=lambda k: _indicator_label(document, k),
        key="framework_editor_indicator",
    )
    indicator = document.indicators[chosen]
    domains = [NO_DOMAIN, *document.domains]
    with st.form("framework_editor_indicator_form"):
        title = st.text_input(
            "Title",
            value=indicator.get("title", ""),
            max_chars=fv.MAX_TITLE,
            key=f"i_title_{chosen}",
        )
        description = st.text_area(
            "Plain-English description",
            value=indicator.get("description", ""),
            key=f"i_description_{chosen}",
        )
        domain = st.selectbox(
            "Domain",
            key=f"i_domain_{chosen}",
            options=domains,
            index=domains.index(indicator.get("domain", NO_DOMAIN))
            if indicator.get("domain", NO_DOMAIN) in domains
            else 0,
            format_func=lambda k: _domain_label(document, k),
        )
        kind = st.selectbox(
            "Kind",
            key=f"i_kind_{chosen}",
            options=list(KINDS),
            index=KINDS.index(indicator["kind"]) if indicator.get("kind") in KINDS else 0,
            format_func=lambda k: KIND_WORDS[k],
        )
        polarity = st.selectbox(
            "Polarity",
            key=f"i_polarity_{chosen}",
            options=list(POLARITIES),
            index=POLARITIES.index(indicator["polarity"])
            if indicator.get("polarity") in POLARITIES
            else 0,
            format_func=lambda k: POLARITY_WORDS[k],
        )
        caveats = st.text_area(
            "Caveats", value=indicator.get("caveats", ""), key=f"i_caveats_{chosen}"
        )
        retired = st.checkbox(
            "Retired (out of the framework)",
            value=bool(indicator.get("retired")),
            key=f"i_retired_{chosen}",
        )
        if st.form_submit_button("Save the indicator"):
            changed = {
                name: value
                for name, value in (
                    ("title", title),
                    ("description", description),
                    ("kind", kind),
                    ("polarity", polarity),
                    ("caveats", caveats),
                )
                if value != indicator.get(name)
            }
            edits = [Edit("edit_indicator", chosen, changed)] if changed else []
            if domain != indicator.get("domain", NO_DOMAIN):
                edits.append(
                    Edit("detach_indicator", chosen)
                    if domain == NO_DOMAIN
                    else Edit("attach_indicator", chosen, {"domain": domain})
                )
            if retired != bool(indicator.get("retired")):
                edits.append(Edit("retire_indicator" if retired else "reinstate_indicator", chosen))
            _save(edits, facilitator, reason)


def _catalogue_tab(document: fv.Document, facilitator: str, reason: str) -> None:
    measures = data.catalogue_measures()
    st.write(
        f"{len(measures)} measures the loaded data support: every Census category over its "
        "table's total, the Indices of Deprivation, and distances to and counts of services."
    )
    words = st.text_input(
        "Search the measures", key="framework_editor_search", placeholder="e.g. flats, TS045"
    )
    found = catalogue.search(measures, words) if words.strip() else measures
    if not found:
        st.info("No measure has all those words.")
        return
    shown = found[:MAX_RESULTS]
    st.caption(
        f"{len(found)} found"
        + (f"; the first {MAX_RESULTS} listed" if len(found) > MAX_RESULTS else "")
    )
    by_key = {m.key: m for m in shown}
    key = st.selectbox(
        "Measure",
        list(by_key),
        format_func=lambda k: by_key[k].label,
        key="framework_editor_measure",
    )
    measure = by_key[key]
    domains = [k for k, d in document.domains.items() if not d.get("retired")]
    with st.form("framework_editor_catalogue_form"):
        title = st.text_input(
            "Title",
            value=measure.label[: fv.MAX_TITLE],
            max_chars=fv.MAX_TITLE,
            key=f"c_title_{key}",
        )
        domain = st.selectbox(
            "Domain",
            domains,
            format_func=lambda k: _domain_label(document, k),
            key="c_domain",
        )
        kind = st.selectbox("Kind", list(KINDS), format_func=lambda k: KIND_WORDS[k], key="c_kind")
        polarity = st.selectbox(
            "Polarity",
            list(POLARITIES),
            index=2,
            format_func=lambda k: POLARITY_WORDS[k],
            key="c_polarity",
        )
        description = st.text_area(
            "Plain-English description", value=measure.label, key=f"c_description_{key}"
        )
        caveats = st.text_area("Caveats", value="", key="c_caveats")
        if st.form_submit_button("Add to the framework"):
            fields = catalogue.indicator_fields(
                measure,
                title=title,
                domain=domain,
                kind=kind,
                polarity=polarity,
                description=description,
                caveats=caveats,
            )
            new_id = _new_id(title, document.indicators)
            _save([Edit("add_indicator", new_id, fields)], facilitator, reason)


def _history_tab(facilitator: str, reason: str) -> None:
    versions = fv.history(_store())
    for version in versions:
        st.text(version.summary())
    numbers = [v.number for v in versions]
    if len(numbers) < 2:
        return
    left, right = st.columns(2)
    old = left.selectbox("Compare version", numbers, index=1, key="framework_editor_old")
    new = right.selectbox("with version", numbers, index=0, key="framework_editor_new")
    lines = fv.diff(fv.get(_store(), old).document, fv.get(_store(), new).document)
    st.text("\n".join(f"- {line}" for line in lines) or "(no change)")
    restore = st.selectbox(
        "Restore version (saved again as a new version)",
        numbers[1:],
        key="framework_editor_restore",
    )
    if st.button(f"Restore version {restore}", key="framework_editor_restore_button"):
        try:
            saved = fv.restore(
                _store(),
                restore,
                based_on=_based_on(),
                by=facilitator,
                reason=reason or f"restored version {restore}",
                session_id=st.session_state.get("workshop_session"),
            )
        except fv.FrameworkConflict as conflict:
            st.error("Not restored: another facilitator saved a version since you started.")
            st.text(str(conflict))
        except fv.FrameworkError as error:
            st.error("Not restored. Every reason:")
            st.text(str(error))
        else:
            _after_save(saved)


def domain_themes(domain_id: str) -> None:
    """What the room said about a domain: its themes, how many approved notes carry each,
    and a few of them (the notes and themes as typed, shown as text)."""
    table = themes.by_domain(_store())
    mine = table[table["domain"] == domain_id]
    if mine.empty:
        st.caption("No themes tagged on this domain's approved notes yet.")
        return
    st.write("What the room said (themes of approved notes):")
    for row in mine.itertuples():
        st.text(f"{row.theme} — {row.notes} note{'s' if row.notes != 1 else ''}")
        for example in row.examples:
            st.text(f"e.g. “{example}”")


def _themes_tab(document: fv.Document, facilitator: str) -> None:
    framework = data.framework()
    domain = st.selectbox(
        "Domain",
        [k for k in document.domains if k in framework.domains],
        format_func=lambda k: _domain_label(document, k),
        key="framework_editor_theme_domain",
    )
    shown = framework.in_domain(domain)
    st.write(
        "Its indicators: " + ", ".join(widgets.literal(i.title) for i in shown)
        if shown
        else "Its indicators: none (no open data yet)."
    )
    domain_themes(domain)
    notes = insights.listing(_store(), "approved")
    notes = notes[notes["domain"] == domain]
    if notes.empty:
        st.caption("No approved notes on this domain yet.")
        return
    tagged = themes.themes_of(_store(), notes["insight_id"].astype(int).tolist())
    texts = dict(zip(notes["insight_id"].astype(int), notes["text"], strict=True))
    with st.form("framework_editor_theme_form"):
        note = st.selectbox(
            "Note",
            list(texts),
            format_func=lambda n: (
                f"{n}: {' '.join(str(texts[n]).split())[:80]}"
                + (f" [{', '.join(tagged[n])}]" if n in tagged else "")
            ),
            key="framework_editor_theme_note",
        )
        words = st.text_input(
            "Themes (separated by commas; the same words in any case are one theme)",
            key="framework_editor_themes",
        )
        if st.form_submit_button("Tag the note"):
            try:
                saved = themes.tag(
                    _store(), note, [w for w in words.split(",") if w.strip()], by=facilitator
                )
            except themes.ThemeError as error:
                st.error("Not tagged:")
                st.text(str(error))
            else:
                count = f"{len(saved)} theme{'s' if len(saved) != 1 else ''}"
                st.session_state[FLASH_KEY] = f"Tagged note {note} ({count})."
                st.rerun()


def editor(facilitator: str) -> None:
    """The whole editor, for `facilitator` (signed in)."""
    based_on = _based_on()
    _flash()
    version = fv.get(_store(), based_on)
    st.write(f"Editing from {widgets.plain(version.summary())}")
    if _moved_on(based_on):
        return
    reason = _reason_box()
    document = version.document
    domains, indicators, built, said, history = st.tabs(
        ["Domains", "Indicators", "New indicator from the data", "What the room said", "Versions"]
    )
    with domains:
        _domains_tab(document, facilitator, reason)
    with indicators:
        _indicators_tab(document, facilitator, reason)
    with built:
        _catalogue_tab(document, facilitator, reason)
    with said:
        _themes_tab(document, facilitator)
    with history:
        _history_tab(facilitator, reason)
