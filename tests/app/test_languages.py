"""Every participant page in every language, through AppTest: the words from the language's
catalogue, the picker showing the language (and its draft note), the choice remembered and
carried in links, Urdu and Arabic laid out right to left, and a note kept as written with
the language it was written in."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import text

from arp import i18n, maps, room, sessions, settings, workshop
from arp.ui import language

LANGUAGES = list(i18n.LANGUAGES)
PAGES = ["pages/join.py", "pages/capture.py", "pages/vote.py", "pages/privacy.py"]
# Each page's title (the join page's is the session's own), as the catalogue has it.
TITLES = {
    "pages/capture.py": "Add what you know about a place",
    "pages/vote.py": "What matters most?",
    "pages/privacy.py": "Privacy notice",
}


@pytest.fixture
def start(app_with, fixture_db, monkeypatch):
    monkeypatch.delenv("ARP_PUBLIC_URL", raising=False)

    def open_page(page, **params):
        return app_with(fixture_db, page=page, **params)

    return open_page


@pytest.fixture
def session(start):  # after `start`, which points ARP_WORKSHOP_DB at this test's own store
    made = sessions.create(
        settings.workshop_database_path(), "Soho Road listening", date.today(), "Library"
    )
    room.open_voting(settings.workshop_database_path(), made.session_id, "Asha")
    return made


def picker(at):
    return next(s for s in at.selectbox if s.key == "language_picker")


def page_css(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("<style>"))


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_participant_page_in_every_language(start, session, page, code):
    words = i18n.translator(code)
    at = start(page, session=session.session_id, lang=code)
    if page == "pages/join.py":
        assert session.title in at.title[0].value
        labels = [b.label for b in at.button]
        assert words.gettext("Add what you know about a place") in labels
        assert words.gettext("Vote on priorities") in labels
    else:
        assert at.title[0].value == words.gettext(TITLES[page])
    if code != "en" and page != "pages/join.py":
        assert at.title[0].value != TITLES[page] or code == "en-easy"
    # the picker shows this language, in its own words, with its draft note
    chosen = picker(at)
    assert chosen.value == code
    assert chosen.label == words.gettext("Language")
    shown = chosen.format_func(code)
    assert shown == words.picker_label
    if code != "en":
        assert words.gettext("draft, awaiting community review") in shown
    # right to left for Urdu and Arabic only, and each script's font served by the app
    css = page_css(at)
    assert ("direction: rtl" in css) == (code in ("ur", "ar"))
    assert "/app/static/vendor/noto/NotoSansGurmukhiUI-Regular.ttf" in css
    # Urdu in Nastaliq (Naskh after it), with taller lines for its letters; Arabic in Naskh
    assert ('"Noto Nastaliq Urdu", "Noto Naskh Arabic UI", sans-serif' in css) == (code == "ur")
    assert ("line-height: 2.2" in css) == (code == "ur")
    assert ('"Source Sans Pro", "Noto Naskh Arabic UI", sans-serif' in css) == (code == "ar")
    # the privacy link keeps the language and the session
    privacy = [
        link.proto
        for link in at.get("page_link")
        if link.proto.page.endswith("privacy.py") or "privacy" in link.proto.page
    ]
    if page != "pages/privacy.py":
        assert privacy, page
        assert privacy[0].label == words.gettext("Privacy: what we keep, and for how long")
        if code != "en":
            assert f"lang={code}" in privacy[0].query_string


@pytest.mark.parametrize("code", ["pl", "ur", "bn"])
def test_the_vote_page_counts_and_names_in_the_language(
    start, fixture_db, monkeypatch, session, code
):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    monkeypatch.setenv("ARP_DB", str(fixture_db))
    words = i18n.translator(code)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["participant_token"] = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"  # the browser's
    at.query_params.update({"session": session.session_id, "lang": code})
    at.switch_page("pages/vote.py").run()
    assert not at.exception, at.exception
    housing = words.gettext("Housing")
    assert housing in [n.label for n in at.number_input]
    dots = words.ngettext(
        "You have {count} dot. Give more to what matters more.",
        "You have {count} dots. Give more to what matters more.",
        sessions.DOTS,
    ).format(count=words.number(sessions.DOTS))
    assert dots in [m.value for m in at.markdown]
    at.number_input(key=next(n.key for n in at.number_input)).set_value(3).run()
    placed = words.ngettext(
        "place all {total} dot: you have placed {placed}",
        "place all {total} dots: you have placed {placed}",
        sessions.DOTS,
    ).format(total=words.number(sessions.DOTS), placed=words.number(3))
    next(b for b in at.button if b.label == words.gettext("Cast my dots")).click().run()
    assert at.error[0].value == words.gettext("Not saved: {reason}.").format(reason=placed)


def test_the_privacy_notice_in_urdu_gives_the_sessions_dates_in_urdu(start, session):
    at = start("pages/privacy.py", session=session.session_id, lang="ur")
    headings = [h.value for h in at.subheader]
    assert headings[0] == "کیا محفوظ کیا جاتا ہے"
    said = "\n".join(t.value for t in at.text)
    assert "Soho Road listening" in said
    assert i18n.translator("ur").date(session.held_on) in said


def test_the_choice_is_remembered_and_carried(start, session):
    at = start("pages/join.py", session=session.session_id)
    assert picker(at).value == "en"  # no lang= and no browser language: English
    picker(at).set_value("pl").run()
    assert "Soho Road listening" in at.title[0].value
    assert at.query_params["lang"] == "pl"
    assert "Napisz, co wiesz o jakimś miejscu" in [b.label for b in at.button]
    # a link without lang= (the sidebar's) keeps the language for the browser session
    at.query_params.pop("lang")
    at.switch_page("pages/capture.py").run()
    assert at.title[0].value == "Napisz, co wiesz o jakimś miejscu"
    # a language link overrides it, and back to English drops lang= from the URL
    picker(at).set_value("en").run()
    assert at.title[0].value == "Add what you know about a place"
    assert "lang" not in at.query_params


def test_a_crafted_language_is_english_and_never_shown(start, session):
    at = start("pages/join.py", session=session.session_id, lang="**ur**<script>")
    assert picker(at).value == "en"
    assert not any("<script>" in m.value for m in at.markdown)


def test_a_note_written_in_urdu_is_kept_as_written_with_its_language(start, session):
    note = "ہمارے محلے میں بچوں کے پڑھنے کی کوئی جگہ نہیں، فون ۰۷۷۰۰ ۹۰۰۱۲۳"  # noqa: RUF001
    at = start("pages/capture.py", session=session.session_id, lang="ur")
    at.text_input[0].set_value("B1 1AA").run()
    next(b for b in at.button if b.label == "یہ جگہ استعمال کریں").click().run()
    at.text_area[0].set_value(note)
    at.checkbox[0].check()
    at.run()
    # the phone number in Urdu digits is found, and said in Urdu
    assert any("ایک فون نمبر" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "میرا نوٹ محفوظ کریں").click().run()
    assert not at.error, [e.value for e in at.error]
    with workshop.connect(settings.workshop_database_path(), write=False) as con:
        stored = con.execute(text("select text, language from insights")).one()
    assert stored == (
        "ہمارے محلے میں بچوں کے پڑھنے کی کوئی جگہ نہیں، فون [phone number removed]",
        "ur",
    )


def test_problems_with_a_note_are_said_in_the_language(start, session):
    at = start("pages/capture.py", session=session.session_id, lang="pl")
    next(b for b in at.button if b.label == "Zapisz notatkę").click().run()
    problems = at.error[0].value
    assert problems.startswith("Jeszcze nie zapisano. Prosimy:")
    assert "Napisz swoją notatkę." in problems
    assert "Zaznacz pole" in problems


def test_the_map_legend_and_buttons_are_in_the_language(start, session):
    """The place picker's title, legend, tap card and its own words (no-data row, close,
    skip link, street map, the keyboard's list of areas) in Bengali; area names stay as
    officially published."""
    at = start("pages/capture.py", session=session.session_id, lang="bn")
    (spec,) = [
        json.loads(e.proto.json)
        for e in at.get("bidi_component")
        if e.proto.component_name == "arp.area_map"
    ]
    assert spec["legend"]["title"] == "আপনার জায়গা খুঁজুন"
    assert spec["legend"]["rows"][0][1] == "জেলা: একটিতে ট্যাপ করুন, তারপর “এর ওয়ার্ড দেখান”"
    assert spec["label"].startswith("আপনার জায়গা বাছার মানচিত্র")
    assert spec["words"] == {
        "no_data": "লুকানো বা কোনো তথ্য নেই",
        "close": "বন্ধ করুন",
        "skip": "সারণিতে যান",
        "street_map": "রাস্তার মানচিত্র",
        "list_label": "তালিকা থেকে একটি এলাকা বেছে নিন",
        "list_hint": "তীর কী দিয়ে এলাকাগুলোর মধ্যে যান; Enter: {action}।",
        "list_first": "সব এলাকা, নাম অনুযায়ী",
    }


def test_the_link_parameter_is_known_to_every_page():
    from arp.ui import page_state

    assert language.PARAMETER == page_state.LANGUAGE_PARAMETER
    assert page_state.LANGUAGE_PARAMETER in page_state.LINK_PARAMETERS
    assert re.fullmatch(r"[a-z-]+", "".join(i18n.LANGUAGES))


def test_moderation_shows_each_notes_language_and_sets_it_in_its_own_direction(
    start, facilitator_account
):
    from arp import insights
    from tests.app.conftest import sign_in

    path = settings.workshop_database_path()
    notes = {
        "ur": "ہمارے محلے میں بچوں کے پڑھنے کی کوئی جگہ نہیں",
        "bn": "আমাদের পাড়ার গ্রন্থাগার দুই বছর ধরে বন্ধ",
        None: "Sticky note typed in from the wall",
    }
    for code, note in notes.items():
        insights.save(
            path,
            insights.Insight(
                area_code="E01000901",
                domain="access",
                kind="barrier",
                text=note,
                consent=True,
                language=code,
            ),
        )
    at = sign_in(start("pages/moderate.py"))
    assert [t.value for t in at.text][:3] == list(notes.values())  # as written
    captions = [c.value for c in at.caption]
    assert "Written in Urdu (اردو)" in captions
    assert "Written in Bengali (বাংলা)" in captions
    assert sum(c.startswith("Written in") for c in captions) == 2  # none said for no language
    css = page_css(at)
    assert "unicode-bidi: plaintext" in css
    assert '"Noto Naskh Arabic UI"' in css
    assert '"Noto Sans Bengali UI"' in css


@pytest.mark.parametrize("code", ["en", "ur", "en-easy"])
def test_the_document_is_told_the_pages_language(start, session, code):
    at = start("pages/join.py", session=session.session_id, lang=code)
    told = [
        json.loads(e.proto.json)
        for e in at.get("bidi_component")
        if e.proto.component_name == "arp.page_language"
    ]
    # English draws nothing (the page is lang="en" already; gone, the component puts it back)
    assert told == ([] if code == "en" else [{"lang": code}])


MAP_IN_ENGLISH = (
    "The map's words are in English for now. Adding a note and voting are in your language."
)


def test_the_rooms_map_from_a_session_page_has_its_notes_the_way_back_and_its_language(
    start, session
):
    # "See the room's map" on the session page opens the map explorer, not translated yet.
    at = start("pages/map.py", session=session.session_id, lang="ur", show="no_car")
    words = i18n.translator("ur")
    assert at.info[0].value == words.gettext(MAP_IN_ENGLISH) != MAP_IN_ENGLISH
    (back,) = [link for link in at.get("page_link") if "join" in link.proto.page]
    assert back.proto.label == words.gettext("Back to your session")
    assert f"session={session.session_id}" in back.proto.query_string
    assert "lang=ur" in back.proto.query_string
    # the room's notes are on it (approved ones, as circles), without choosing them
    assert at.multiselect[0].value == [maps.INSIGHTS_OVERLAY]
    # in English from the session page: the way back, and no note
    english = start("pages/map.py", session=session.session_id, show="no_car")
    assert not any("English for now" in i.value for i in english.info)
    (back,) = [link for link in english.get("page_link") if "join" in link.proto.page]
    assert back.proto.label == "Back to your session"
    assert back.proto.query_string == f"session={session.session_id}"
    # an analyst's map, with neither in the link: neither, and no overlay chosen for them
    analyst = start("pages/map.py", show="no_car")
    assert not any("English for now" in i.value for i in analyst.info)
    assert not [link for link in analyst.get("page_link") if "join" in link.proto.page]
    assert analyst.multiselect[0].value == []
