"""The participant's language: from the link (`lang=`), else the one chosen earlier in this
browser session, else the browser's Accept-Language; the picker to change it; and the page
direction and fonts it needs (arp.i18n has the words)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from arp import i18n

PARAMETER = "lang"
_KEY = "participant_language"
_DOCUMENT = st.components.v2.component(
    "arp.page_language", js=(Path(__file__).parent.parent / "page_language.js").read_text()
)
_PICKER = "language_picker"


def current() -> i18n.Translator:
    """This run's language, remembered for the browser session."""
    wanted = st.query_params.get(PARAMETER)
    if wanted is not None and wanted.strip().lower() in i18n.LANGUAGES:
        st.session_state[_KEY] = wanted.strip().lower()
    elif _KEY not in st.session_state:
        st.session_state[_KEY] = i18n.choices(dict(st.context.headers)) or i18n.DEFAULT
    return i18n.translator(st.session_state[_KEY])


def carry_language() -> None:
    """Put the kept language back in the URL (the sidebar's links carry no query string),
    so a copied or reloaded link opens in it."""
    kept = st.session_state.get(_KEY)
    if kept and kept != i18n.DEFAULT and st.query_params.get(PARAMETER) != kept:
        st.query_params[PARAMETER] = kept


def _(message: str) -> str:
    return current().gettext(message)


def n_(singular: str, plural: str, count: int) -> str:
    return current().ngettext(singular, plural, count)


def link_params(**params: str) -> dict[str, str]:
    """Query parameters for a link to another participant page, the language with them."""
    code = current().language.code
    return {**params, PARAMETER: code} if code != i18n.DEFAULT else dict(params)


def _chosen() -> None:
    code = st.session_state[_PICKER]
    st.session_state[_KEY] = code
    if code == i18n.DEFAULT:
        st.query_params.pop(PARAMETER, None)
    else:
        st.query_params[PARAMETER] = code


def _font_faces(base: str) -> str:
    # Served by the app (static/vendor/noto, copied from Debian's fonts-noto-ui-core by
    # `make`), so a venue with no internet still shows every script; local() first.
    faces = []
    for family, file in FONT_FILES.items():
        faces.append(
            f'@font-face {{ font-family: "{family}"; font-display: swap; '
            f'src: local("{family}"), url("{base}/vendor/noto/{file}") format("truetype"); }}'
        )
    return "\n".join(faces)


FONT_FILES = {
    "Noto Sans Gurmukhi UI": "NotoSansGurmukhiUI-Regular.ttf",
    "Noto Sans Bengali UI": "NotoSansBengaliUI-Regular.ttf",
    "Noto Naskh Arabic UI": "NotoNaskhArabicUI-Regular.ttf",
    "Noto Nastaliq Urdu": "NotoNastaliqUrdu-Regular.ttf",
}
SCRIPT_FONTS = {
    "Guru": "Noto Sans Gurmukhi UI",
    "Beng": "Noto Sans Bengali UI",
    "Arab": "Noto Naskh Arabic UI",
}
# Urdu is read in Nastaliq, not in the Naskh of Arabic (which stays its fallback). Its
# letters rise and hang far from the line, so its lines (and fields: an input clips what
# overflows its line) are set taller.
LANGUAGE_FONTS = {"ur": "Noto Nastaliq Urdu"}
TALL_LINES = {"ur": 2.2}
_MAIN = '[data-testid="stMain"]'
_TEXT_ELEMENTS = (
    ":is(h1, h2, h3, h4, p, li, label, span, div, input, textarea, button)"
    ':not([data-testid="stIconMaterial"])'
)
_POPOVER = '[data-baseweb="popover"] li'  # a list's options, drawn outside the page


def page_styles(translator: i18n.Translator, scope: str = _MAIN) -> str:
    """Fixed CSS for the language: its script's font first, and for Urdu and Arabic the page
    right to left (text, form labels and inputs aligned right), the map and numbers left to
    right inside it. `scope`: the page's main part, or one container (a note in the
    participant's language on a page in English). No user text in it."""
    lang = translator.language
    whole_page = scope == _MAIN
    popover = f", {_POPOVER}" if whole_page else ""
    css = [_font_faces(_static_base())]
    # A session's title and venue are shown as code spans (widgets.plain: never read as
    # markup); in a heading or caption they should look like the words around them.
    css.append(
        f'{scope} :is(h1, h2, h3, [data-testid="stCaptionContainer"]) code '
        "{ font: inherit; color: inherit; background: none; padding: 0; }"
    )
    fonts = [LANGUAGE_FONTS.get(lang.code), SCRIPT_FONTS.get(lang.script)]
    if families := ", ".join(f'"{font}"' for font in fonts if font):
        # On the text elements themselves: Streamlit sets its own font on headings,
        # paragraphs and widgets, which the page's would not reach. Icons keep theirs.
        css.append(
            f"{scope} {_TEXT_ELEMENTS}, {scope}{popover} "
            f'{{ font-family: "Source Sans", "Source Sans Pro", {families}, sans-serif; }}'
        )
    if tall := TALL_LINES.get(lang.code):
        css.append(
            f"{scope} :is(p, li, label, textarea, input){popover} {{ line-height: {tall}; }}\n"
            f"{scope} :is(h1, h2, h3) {{ line-height: {tall - 0.4:.1f}; }}\n"
            f"{scope} h1 {{ font-size: 2.2rem; }}"
        )
    if lang.right_to_left:
        block = f"{_MAIN} .block-container" if whole_page else scope
        css.append(
            f"{block} {{ direction: rtl; text-align: right; }}\n"
            f"{scope} textarea, {scope} input {{ direction: rtl; text-align: right; "
            "unicode-bidi: plaintext; }\n"
            f'{scope} [data-testid="stNumberInput"] input {{ direction: ltr; text-align: right; }}\n'
            f"{scope} .leaflet-container {{ direction: ltr; }}\n"
            f"{scope} .leaflet-container .arp-legend, {scope} .leaflet-tooltip "
            "{ direction: rtl; text-align: right; unicode-bidi: plaintext; }"
        )
    return "<style>\n" + "\n".join(css) + "\n</style>"


def _static_base() -> str:
    return "/" + "/".join(
        p for p in ((st.get_option("server.baseUrlPath") or "").strip("/"), "app/static") if p
    )


def every_script_styles() -> str:
    """Fixed CSS for a page showing notes in any of the languages (moderation): every
    script's font after the page's own, and each paragraph of text in the direction its
    first letter sets, aligned to its start."""
    fonts = ", ".join(f'"{family}"' for family in SCRIPT_FONTS.values())
    return (
        "<style>\n"
        + _font_faces(_static_base())
        + f'\n{_MAIN} {{ font-family: "Source Sans", "Source Sans Pro", {fonts}, sans-serif; }}'
        + f'\n{_MAIN} [data-testid="stText"], {_MAIN} [data-testid="stCode"] code '
        "{ unicode-bidi: plaintext; text-align: start; }\n</style>"
    )


def picker() -> i18n.Translator:
    """The language picker, at the top of every participant page; returns the language.
    Each language is listed in its own words, with its own 'draft' note until reviewed."""
    translator = current()
    st.markdown(page_styles(translator), unsafe_allow_html=True)  # fixed CSS, no user text
    if translator.language.code != i18n.DEFAULT:  # Streamlit's page is lang="en" already
        _DOCUMENT(key="page_language", data={"lang": translator.language.code})
    codes = list(i18n.LANGUAGES)
    st.session_state[_PICKER] = translator.language.code
    st.selectbox(
        # Translators: the label of the list of languages; English after it helps a newcomer.
        _("Language"),
        codes,
        format_func=lambda code: i18n.translator(code).picker_label,
        key=_PICKER,
        on_change=_chosen,
    )
    return translator


_NOTE = "room_map_header"


def room_map_header() -> None:
    """On the room's map (the map explorer, not translated yet) opened from a participant's
    session page: the way back to the session, in their language, and in a language other
    than English a note saying the map's words are in English for now. A browser's own
    language alone brings no note: analysts see none."""
    code = (st.query_params.get(PARAMETER) or "").strip().lower()
    chosen = code in i18n.LANGUAGES and code != i18n.DEFAULT
    session = st.query_params.get("session")  # the session page checks it
    if not (chosen or session):
        return
    words = i18n.translator(code if chosen else i18n.DEFAULT)
    with st.container(key=_NOTE):
        if chosen:
            # Fixed CSS, no user text: the note in its language's font and direction.
            st.markdown(page_styles(words, f".st-key-{_NOTE}"), unsafe_allow_html=True)
            st.info(
                words.gettext(
                    "The map's words are in English for now. Adding a note and voting are in "
                    "your language."
                )
            )
        if session:
            st.page_link(
                "pages/join.py",
                label=words.gettext("Back to your session"),
                icon=":material/home:",
                query_params={"session": session, **({PARAMETER: code} if chosen else {})},
            )
