"""What serve.py puts in front of Streamlit: /_stcore/metrics answers 404, and a session's
first message loses the script's path; everything else passes through untouched. Here as
plain ASGI calls; tests/browser/test_nothing_leaves.py checks the running server."""

from __future__ import annotations

import asyncio

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from arp.ui.server_guard import ServerGuard, hidden, without_script_path

SCRIPT = "/srv/someone/arp/app.py"


def call(guard, scope):
    """Run the guard on one connection; returns the messages that reach the client."""
    received: list[dict] = []

    async def receive():
        return {"type": "websocket.receive"}

    async def send(message):
        received.append(message)

    asyncio.run(guard(scope, receive, send))
    return received


def new_session() -> bytes:
    message = ForwardMsg()
    message.new_session.main_script_path = SCRIPT
    message.new_session.name = "app"
    message.new_session.page_script_hash = "abc"
    return message.SerializeToString()


@pytest.mark.parametrize(
    ("path", "is_hidden"),
    [
        ("/_stcore/metrics", True),
        ("/_stcore/metrics/", True),
        ("//_stcore//metrics", True),
        ("/arp/_stcore/metrics", True),  # under a base URL path
        ("/_stcore/health", False),
        ("/_stcore/host-config", False),
        ("/metrics", False),
        ("/", False),
    ],
)
def test_the_metrics_path_is_hidden_under_any_base_path(path, is_hidden):
    assert hidden(path) is is_hidden


def test_metrics_answer_404_and_never_reach_streamlit():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    guard = ServerGuard(app, SCRIPT)
    sent = call(guard, {"type": "http", "path": "/_stcore/metrics", "method": "GET"})
    assert sent[0]["status"] == 404
    assert reached == []
    call(guard, {"type": "http", "path": "/_stcore/health", "method": "GET"})
    assert reached == ["/_stcore/health"]


def test_the_script_path_is_blanked_from_a_new_session_and_nothing_else_changes():
    delta = ForwardMsg()
    delta.delta.new_element.markdown.body = f"a note that mentions {SCRIPT}"
    other = delta.SerializeToString()
    map_payload = b"\x00" * 1_000_000

    async def app(scope, receive, send):
        for payload in (new_session(), other, map_payload):
            await send({"type": "websocket.send", "bytes": payload})
        await send({"type": "websocket.send", "text": "text frames pass"})

    sent = call(ServerGuard(app, SCRIPT), {"type": "websocket", "path": "/_stcore/stream"})
    first = ForwardMsg()
    first.ParseFromString(sent[0]["bytes"])
    assert first.new_session.main_script_path == ""
    assert (first.new_session.name, first.new_session.page_script_hash) == ("app", "abc")
    assert SCRIPT.encode() not in sent[0]["bytes"]
    assert sent[1]["bytes"] == other  # not a NewSession: left as it is
    assert sent[2]["bytes"] is map_payload  # not even parsed
    assert sent[3] == {"type": "websocket.send", "text": "text frames pass"}


def test_a_message_without_the_path_is_returned_as_it_is():
    payload = b"\x0a\x03abc"
    assert without_script_path(payload, (SCRIPT.encode(),)) is payload
