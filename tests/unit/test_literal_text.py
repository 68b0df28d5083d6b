"""widgets.literal: the app's own text (and the public data's names) where Streamlit reads
Markdown, shown as written (tests/browser/test_hostile_text.py: the same in Chromium)."""

from __future__ import annotations

import pytest

from arp.ui.widgets import WORD_JOINER, literal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Households with no car or van", "Households with no car or van"),
        (
            "Soho & Jewellery Quarter (Birmingham 001)",
            "Soho & Jewellery Quarter \\(Birmingham 001\\)",
        ),
        ("**b** _i_ `c` $x$ <b>", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\$x\\$ \\<b\\>"),
        ("[a](https://x.example)", f"\\[a\\]\\(https:{WORD_JOINER}//x.example\\)"),
        ("www.x.example jo@x.example", f"w{WORD_JOINER}ww.x.example jo@{WORD_JOINER}x.example"),
        (":material/lock:", f":{WORD_JOINER}material/lock:"),
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
        ("1.12", "1.12"),  # a number stays a number
        ("two\nlines", "two lines"),
    ],
)
def test_markup_is_escaped_and_links_broken(text, expected):
    assert literal(text) == expected
