"""Add an insight: what you know about a place, in your words. Designed for phones."""

import math

import streamlit as st

from arp import insights, room, sessions, settings
from arp.ui import data, joining, language, map_element, page_state, widgets
from arp.ui.language import _, n_

framework = data.framework()
words = language.picker()
st.title(_("Add what you know about a place"))
session = joining.joined_session(required=False)
if session is not None:
    st.caption(
        _("Session: {title} · {date}").format(
            title=words.isolate(widgets.plain(session.title)), date=words.date(session.held_on)
        )
    )
    st.page_link(
        "pages/join.py",
        label=_("Back to your session"),
        icon=":material/home:",
        query_params=language.link_params(session=session.session_id),
    )
st.write(
    _(
        "Your note is anonymous. A facilitator reads every note before it appears on the map. "
        "Places are kept at neighbourhood level (LSOA), never as the exact point of a home."
    )
)
widgets.privacy_link(words)

if (
    session is not None
    and not room.state(settings.workshop_database_path(), session.session_id).capture_open
):
    st.info(_("This session is not taking notes now. Thank you for coming."))
    st.stop()

st.caption(
    _(
        "Search for your place by postcode (B10 is enough) or name, or tap your district, "
        "then your ward, then your neighbourhood on the map."
    )
)
place, _action = widgets.find_area_box(pick_label=_("Use this place"), words=words)
candidates = map_element.search_candidates(st.session_state.get("find_area", ""))
chosen_place = place or st.session_state.get("capture_place")
session_id = session.session_id if session else None
tapped = map_element.place_picker(
    data.query("within_options")["code"].iloc[0],
    chosen_place,
    candidates,
    tiles=sessions.street_tiles(settings.workshop_database_path(), session_id),
    words=words,
)
place = place or tapped
chosen_place = place or chosen_place
if place:
    st.session_state["capture_place"] = place
if tapped:
    st.rerun()  # the map outlines and zooms to the place just chosen
if chosen_place:
    # official names, not user text
    st.caption(_("Place: {place}").format(place=words.isolate(data.area_label(chosen_place))))
else:
    st.info(_("Find your place above: type its name or a postcode, or tap the map."))

# Every field of the note is keyed by the form's number: after a save the number moves on and
# the form starts empty, so a second tap on Save cannot store the same note again.
form = st.session_state.setdefault("capture_form", 0)
domains = {d.id: _(d.title) for d in framework.scored_domains}
domain = st.selectbox(
    _("What is it about?"), list(domains), format_func=domains.get, key=f"domain-{form}"
)
indicator_options = [""] + [i.id for i in framework.in_domain(domain)]
indicator = st.selectbox(
    _("Which measure, if any?"),
    indicator_options,
    format_func=lambda i: (
        words.gettext("None in particular") if not i else framework.indicators[i].title
    ),
    key=f"indicator-{form}",
)
kind = st.radio(
    _("Kind of note"),
    list(insights.KINDS),
    format_func=lambda k: words.gettext(insights.KINDS[k]),
    key=f"kind-{form}",
)
limit = words.number(insights.MAX_TEXT)
# No max_chars: Streamlit drops a paste that would go past it without a word. The note is
# kept as written, counted, and refused with the reason when too long.
text = st.text_area(
    _("Your note"),
    height=160,
    key=f"note-{form}",
    help=n_("Up to {limit} character.", "Up to {limit} characters.", insights.MAX_TEXT).format(
        limit=limit
    ),
)
length = len(text.strip())
over = length - insights.MAX_TEXT
if over > 0:
    st.warning(
        n_(
            "{count} of {limit} characters: {over} too many. Your note stays here as you "
            "wrote it; shorten it to save it.",
            "{count} of {limit} characters: {over} too many. Your note stays here as you "
            "wrote it; shorten it to save it.",
            over,
        ).format(count=words.number(length), limit=limit, over=words.number(over))
    )
else:
    st.caption(
        n_(
            "{count} of {limit} characters (counted when you tap outside the box).",
            "{count} of {limit} characters (counted when you tap outside the box).",
            insights.MAX_TEXT,
        ).format(count=words.number(length), limit=limit)
    )
with st.expander(_("About you (optional, coarse, only if you choose)")):
    age_band = st.selectbox(
        _("Age band"),
        ["", *insights.AGE_BANDS],
        format_func=lambda band: words.gettext(band) if band else "",
        key=f"age-{form}",
    )
    ethnic_group = st.selectbox(
        _("Ethnic group you identify with (Census 2021 categories)"),
        ["", *data.census_ethnic_groups()],
        key=f"ethnic-{form}",
    )
consent = st.checkbox(
    _(
        "I agree that this note, without my name, may be shown on the map and used to shape "
        "the West Midlands Anti-Racist Places Framework."
    ),
    key=f"consent-{form}",
)
redacted, found = insights.redact(text)
if found:
    st.warning(
        _("We removed {found} before saving. This is what will be stored:").format(
            found=words.list([_(label) for label in found])
        )
    )
    widgets.note_text(redacted)

just_saved = st.session_state.get("capture_saved")
if st.button(_("Save my note"), type="primary"):
    if just_saved is not None and not text.strip():
        st.info(_("Your note is already saved, once. To add another, write it above."))
        st.stop()
    try:
        insight = insights.validate(
            insights.Insight(
                area_code=chosen_place or "",
                domain=domain,
                kind=kind,
                text=text,
                consent=consent,
                indicator_id=indicator or None,
                age_band=age_band or None,
                ethnic_group=ethnic_group or None,
                session_id=session.session_id if session else None,
                client_token=page_state.submission_token(),
                language=words.language.code,
            ),
            set(domains),
            set(framework.indicators),
            data.area_codes(),
            set(data.census_ethnic_groups()),
        )
        insights.save_for_participant(
            settings.workshop_database_path(),
            insight,
            page_state.participant(),
            page_state.note_limit(),
        )
    except insights.SavingTooFast as wait:
        minutes = max(1, math.ceil(wait.wait_seconds / 60))
        st.warning(
            n_(
                "Thank you for so many notes! So that every voice in the room gets read, each "
                "phone can save {notes} notes every {window} minutes. You can save this one in "
                "{minutes} minute: it stays here until then.",
                "Thank you for so many notes! So that every voice in the room gets read, each "
                "phone can save {notes} notes every {window} minutes. You can save this one in "
                "{minutes} minutes: it stays here until then.",
                minutes,
            ).format(
                notes=words.number(insights.NOTES_PER_WINDOW),
                window=words.number(insights.NOTE_WINDOW_SECONDS // 60),
                minutes=words.number(minutes),
            ),
            icon=":material/hourglass_top:",
        )
    except insights.InsightError as error:
        # Each problem in the participant's language (the long-note one, with its numbers,
        # stays in English: the count above already says it in theirs).
        shown = [_(problem) for problem in error.problems]
        st.error(
            _("Not saved yet. Please:")
            + "\n"
            + "\n".join(f"- {problem[0].upper()}{problem[1:]}." for problem in shown)
        )
    else:
        page_state.new_submission_token()
        st.session_state["capture_saved"] = insight.text
        st.session_state["capture_form"] = form + 1
        st.rerun()
elif just_saved is not None and not text.strip():
    st.success(
        _("Thank you. Your note is saved and waits for a facilitator. This is what was saved:")
    )
    widgets.note_text(just_saved)
