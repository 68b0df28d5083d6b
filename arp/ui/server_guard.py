"""An ASGI middleware that serve.py puts in front of Streamlit's server, so that what a
browser receives says nothing about the machine the app runs on.

- `/_stcore/metrics` answers 404. Streamlit serves its OpenMetrics there (sessions, their
  durations, this process's cache and memory use) to anyone, and has no option to turn
  it off.
- Each session's first message (NewSession) carries the absolute path of the app's
  script, which Streamlit's frontend reads only into a usage-statistics id (statistics are
  off here, .streamlit/config.toml): the path is blanked before the message is sent.

Tracebacks, which also carry paths, are kept out of the page by client.showErrorDetails
= "none" in .streamlit/config.toml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import PlainTextResponse
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HIDDEN_PATHS = ("/_stcore/metrics",)  # at the end of a request's path, after any base path


def hidden(path: str) -> bool:
    """Whether a request path is one of HIDDEN_PATHS, under any base URL path."""
    normal = re.sub("/+", "/", path).rstrip("/")
    return any(normal == hidden or normal.endswith(hidden) for hidden in HIDDEN_PATHS)


def without_script_path(payload: bytes, script_paths: tuple[bytes, ...]) -> bytes:
    """A ForwardMsg as bytes, with the script's path blanked from a NewSession message. Other
    messages are returned as they are, unparsed: a map's polygons are megabytes."""
    if not any(path in payload for path in script_paths):
        return payload
    message = ForwardMsg()
    message.ParseFromString(payload)
    if not message.HasField("new_session"):
        return payload
    message.new_session.main_script_path = ""
    return message.SerializeToString()


class ServerGuard:
    """Starlette middleware: `Middleware(ServerGuard, script_path=...)` (serve.py)."""

    def __init__(self, app: ASGIApp, script_path: str) -> None:
        self.app = app
        # As given, and with links resolved (an installed app runs from links, arp.cli).
        self.script_paths = tuple(
            {p.encode() for p in (script_path, os.path.realpath(script_path))}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and hidden(scope["path"]):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def send_without_path(message: Message) -> None:
            if message["type"] == "websocket.send" and message.get("bytes"):
                message = {
                    **message,
                    "bytes": without_script_path(message["bytes"], self.script_paths),
                }
            await send(message)

        await self.app(scope, receive, send_without_path)
