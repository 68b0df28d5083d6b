"""Checks that a page shows a given text only as text: read from what an AppTest run sends
the browser, every element's every string field.

Streamlit renders Markdown in labels, messages, headings and captions (even escaped, it
links bare addresses and draws :material/...: icons: tests/browser/test_crafted_links.py);
there, the text may appear only inside an inline code span (arp.ui.widgets.plain). Some
elements show strings verbatim (st.text, a table's cells, a widget's value, the map's data,
which area_map.js sets as text). An element that loads or links to something (an image,
HTML, a link) must never carry it. Any other place fails, until a test says what it is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from google.protobuf.message import Message

from tests.conftest import REPO_ROOT

HOST = "evil.example"  # where crafted text would link or load from, if it were rendered
# What would link, load an image, draw an icon or style text, if rendered; each short
# enough to be shown whole (view_state.SHOWN_VALUE_CHARACTERS).
CRAFTED = {
    "markdown": f"[Sign in](https://{HOST}/login) ![i](//{HOST}/i.png) :material/lock: **b** $x$",
    "html": f"<img src=//{HOST}/i.png> <a href=//{HOST}>x</a> www.{HOST} jo@{HOST}",
}
# Both at once, as long as a session's title or a scenario's name may be.
TITLE = (
    f"[Sign in](https://{HOST}) ![i](//{HOST}/i) <img src=//{HOST}> www.{HOST} :material/lock: $x$"
)
SCENARIO = f"[Room 2](https://{HOST}) <img src=//{HOST}> :material/lock: **w**"

# Element types whose strings the browser shows as they are (or never shows).
VERBATIM_TYPES = {"text", "code", "dataframe", "arrow_data_frame", "bidi_component", "json"}
# Fields that hold a widget's value or an identifier, never rendered as Markdown, and a
# page link's query string (every value URL-encoded, to one of the app's own pages).
VERBATIM_FIELDS = {"default", "value", "raw_value", "id", "form_id", "tag", "type", "format"}
VERBATIM_FIELDS |= {"query_string"}
# Fields that Streamlit renders as Markdown; options only on the element types below (a
# select box's options are plain text).
MARKDOWN_FIELDS = {"body", "label", "help", "options", "captions", "text", "placeholder"}
MARKDOWN_OPTION_TYPES = {"radio", "pills", "segmented_control", "button_group"}
# Elements that load a resource or link somewhere: nothing a user or a link gave may reach.
RESOURCE_TYPES = {"imgs", "image", "html", "iframe", "link_button", "page_link", "video", "audio"}


def outside_code_spans(markdown: str) -> str:
    """The Markdown source with its inline code spans removed: what a renderer reads as
    Markdown. CommonMark's rule: a run of n backticks opens a span that the next run of
    exactly n backticks closes; a run that nothing closes is literal text."""
    kept, position = [], 0
    while (opener := re.compile(r"(?<![`\\])`+").search(markdown, position)) is not None:
        width = len(opener.group())
        closer = re.compile(rf"(?<!`)`{{{width}}}(?!`)").search(markdown, opener.end())
        if closer is None:
            kept.append(markdown[position : opener.end()])
            position = opener.end()
            continue
        kept.append(markdown[position : opener.start()])
        position = closer.end()
    kept.append(markdown[position:])
    return "".join(kept)


def unescaped(markdown: str) -> str:
    """The text a renderer sees once backslash escapes are read: Streamlit's still links an
    address in it, and draws an icon for a :material/...: name."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _strings(message: Message, path: str = "") -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        name = field.name
        values = value if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in values:
                if isinstance(item, Message):
                    yield from _strings(item, f"{path}{name}.")
        elif field.type == field.TYPE_STRING:
            for item in values:
                yield f"{path}{name}", item


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def every_string(at) -> Iterator[tuple[str, str, str]]:
    """(element type, field path, text) for every string the run sent, main and sidebar."""
    for root in (at.main, at.sidebar):
        for node in _nodes(root):
            proto = getattr(node, "proto", None)
            if isinstance(proto, Message):
                for field, text in _strings(proto):
                    yield node.type, field, text


def misplaced(at, needle: str) -> list[tuple[str, str, str]]:
    """Every place the run sent `needle` other than as text; [] when it is shown only as text."""
    found = []
    for element, field, text in every_string(at):
        if needle not in text and needle not in unescaped(text):
            continue
        last = field.rsplit(".", 1)[-1]
        if element in VERBATIM_TYPES or last in VERBATIM_FIELDS:
            continue
        if element in RESOURCE_TYPES:
            found.append((element, field, text))
        elif last == "options" and element not in MARKDOWN_OPTION_TYPES:
            continue
        elif last not in MARKDOWN_FIELDS or needle in unescaped(outside_code_spans(text)):
            found.append((element, field, text))
    return found


def navigation_pages() -> list[str]:
    """Every page app.py puts in its navigation, as 'pages/<name>.py'."""
    tree = ast.parse((REPO_ROOT / "app.py").read_text(encoding="utf-8"))
    return sorted(
        {
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "Page"
            and isinstance(node.args[0], ast.Constant)
        }
    )
