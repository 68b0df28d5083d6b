"""A small Streamlit client for the replica tests and the room benchmark. It speaks the
websocket protocol the browser speaks, with the protobuf classes shipped in the streamlit
package (BackMsg up, ForwardMsg down): GET /_stcore/health for the cookies (the proxy's
stickiness cookie, Streamlit's XSRF cookie), open /_stcore/stream, ask for a page with its
widgets' values, read the elements the run draws until it finishes. Hundreds of these fit
on a 2-core machine where a browser each would not."""

from __future__ import annotations

import asyncio
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# A page's first run carries its map's polygons: far larger than websockets' 1 MB default.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# The widget kinds whose value this client knows how to send, and the field it goes in.
VALUE_FIELDS = {
    "text_input": "string_value",
    "text_area": "string_value",
    "selectbox": "string_value",
    "radio": "string_value",
    "checkbox": "bool_value",
}
# A number_input's value goes in the field its data type names, as the frontend sends it.
NUMBER_FIELDS = {"INT": "int_value", "FLOAT": "double_value"}


class ProtocolError(RuntimeError):
    """The server closed the session, raised in the script, or drew something unexpected."""


@dataclass(frozen=True)
class Element:
    """One element a run drew: its kind (the proto's oneof name), its widget id if it is a
    widget, its label and, for alerts and text, its body."""

    kind: str
    widget_id: str
    label: str
    body: str
    options: tuple[str, ...] = ()
    number_type: str = ""  # a number_input's data type: INT or FLOAT


@dataclass
class Run:
    """What one rerun drew, and how long the server took from request to 'finished'. When the
    script asked for a rerun (st.rerun, st.switch_page), `elements` holds what every run drew
    and `last_started` is where the last run's elements begin."""

    elements: list[Element]
    seconds: float
    status: str
    last_started: int = 0

    def last(self) -> Run:
        """What the last of the runs drew: the page as it stands (a form redrawn after a save
        has new widget ids)."""
        return Run(self.elements[self.last_started :], self.seconds, self.status)

    def widget(self, kind: str, label: str) -> Element:
        for element in self.elements:
            if element.kind == kind and element.label == label:
                return element
        drawn = [(e.kind, e.label or e.body[:40]) for e in self.elements]
        raise ProtocolError(f"no {kind} labelled {label!r} in this run: {drawn}")

    def texts(self, kind: str) -> list[str]:
        return [e.body for e in self.elements if e.kind == kind]


def _element(delta_element: Any) -> Element | None:
    kind = delta_element.WhichOneof("type")
    if kind is None:
        return None
    inner = getattr(delta_element, kind)
    fields = {f.name for f in inner.DESCRIPTOR.fields}

    def text_of(name: str) -> str:
        return str(getattr(inner, name)) if name in fields else ""

    return Element(
        kind=kind,
        widget_id=text_of("id"),
        label=text_of("label"),
        body=text_of("body") or text_of("message"),  # an exception has a message
        options=tuple(str(o) for o in inner.options) if "options" in fields else (),
        number_type=inner.DataType.Name(inner.data_type) if kind == "number_input" else "",
    )


@dataclass
class Session:
    """One participant's browser tab, as far as the server can tell."""

    base_url: str  # http(s)://host:port of the proxy or a replica
    cookies: dict[str, str] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # for https: the context that trusts its certificate
    session_id: str = ""
    page_script_hash: str = ""
    _socket: Any = None
    _values: dict[str, WidgetState] = field(default_factory=dict)

    def _http_get(self, path: str) -> None:
        request = urllib.request.Request(self.base_url + path, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=30, context=self.tls) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                parsed: SimpleCookie = SimpleCookie()
                parsed.load(header.split(";", 1)[0])
                self.cookies.update({name: morsel.value for name, morsel in parsed.items()})

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    async def connect(self) -> None:
        """What a browser does on opening the app: the health check (which sets the cookies),
        then the websocket, with the XSRF token in its subprotocols as the frontend sends it."""
        await asyncio.to_thread(self._http_get, "/_stcore/health")
        protocols = ["streamlit"]
        if "_streamlit_xsrf" in self.cookies:
            protocols.append(self.cookies["_streamlit_xsrf"])
        self._socket = await websockets.connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=self._cookie_header(),
            max_size=MAX_MESSAGE_BYTES,
            open_timeout=60,
            ping_interval=None,  # the server pings; a busy client must not drop itself
            ssl=self.tls if self.base_url.startswith("https") else None,
        )

    @property
    def compression(self) -> str:
        """The websocket extension the server accepted (permessage-deflate, or '')."""
        return self._socket.response.headers.get("Sec-WebSocket-Extensions", "")

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    def set_value(self, widget: Element, value: str | bool | float) -> None:
        state = WidgetState(id=widget.widget_id)
        if widget.kind == "number_input":
            setattr(state, NUMBER_FIELDS[widget.number_type], value)
        else:
            setattr(state, VALUE_FIELDS[widget.kind], value)
        self._values[widget.widget_id] = state

    async def open_page(self, page_name: str, query_string: str = "") -> Run:
        """Follow a link to another page (a page link, or the address typed): the page asked
        for by its name, as the URL names it, not by the hash of the page open now."""
        self.page_script_hash = ""
        return await self.run(page_name, query_string)

    async def run(
        self,
        page_name: str,
        query_string: str = "",
        press: Element | None = None,
        timeout: float = 120,
    ) -> Run:
        """Rerun the page with every value set so far (and a button pressed, if given), as the
        frontend does, and collect what the run draws until the server says it finished."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = query_string
        state.page_name = page_name
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(self._values.values())
        if press is not None:
            state.widget_states.widgets.append(WidgetState(id=press.widget_id, trigger_value=True))
        started = time.perf_counter()
        await self._socket.send(back.SerializeToString())
        elements: list[Element] = []
        last_started = 0
        async with asyncio.timeout(timeout):
            while True:
                message = ForwardMsg()
                message.ParseFromString(await self._socket.recv())
                kind = message.WhichOneof("type")
                if kind == "new_session":
                    self.session_id = message.new_session.initialize.session_id
                elif kind == "navigation":  # the page st.navigation chose: asked for by hash
                    self.page_script_hash = message.navigation.page_script_hash
                elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                    found = _element(message.delta.new_element)
                    if found is not None:
                        elements.append(found)
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                    if status == "FINISHED_EARLY_FOR_RERUN":
                        last_started = len(elements)
                        continue
                    run = Run(elements, time.perf_counter() - started, status, last_started)
                    if status != "FINISHED_SUCCESSFULLY":
                        raise ProtocolError(f"the run ended {status}")
                    if run.texts("exception"):
                        raise ProtocolError(f"the page raised: {run.texts('exception')}")
                    return run
