"""The HTTP side of ``FakeAPI``: routes, the request handler, SSE over chunked transfer encoding,
and the injected faults. ``FakeAPI`` (in ``fake_api``) owns the scripted replies and the record.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Protocol, cast

from codex_py.testing import anthropic_replies, openai_replies
from codex_py.testing.replies import Reply
from codex_py.testing.sse import Json, Stream

Api = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received. ``api`` is "openai", "anthropic" or "unknown"; ``wire``
    is "responses", "chat", "messages" or ""."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    api: str
    wire: str

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))


@dataclass(frozen=True)
class _Wire:
    api: Api
    name: str
    body: Callable[[Reply, str], Json]
    stream: Callable[[Reply, str, Mapping[str, Any]], Stream]
    error: Callable[[Reply, str], Json]
    error_event: Callable[[Reply, str], bytes]


_ROUTES = {
    "/v1/responses": _Wire(
        "openai",
        "responses",
        openai_replies.responses_body,
        openai_replies.responses_stream,
        openai_replies.error_body,
        openai_replies.responses_error_event,
    ),
    "/v1/chat/completions": _Wire(
        "openai",
        "chat",
        openai_replies.chat_body,
        openai_replies.chat_stream,
        openai_replies.error_body,
        openai_replies.chat_error_event,
    ),
    "/v1/messages": _Wire(
        "anthropic",
        "messages",
        anthropic_replies.body,
        anthropic_replies.stream,
        anthropic_replies.error_body,
        anthropic_replies.error_event,
    ),
}


class Backend(Protocol):
    """What the handler needs from ``FakeAPI``."""

    stopping: threading.Event

    def take(self, api: Api, model: str) -> Reply | None: ...

    def record(self, request: RecordedRequest) -> None: ...

    def track(self, connection: socket.socket, live: bool) -> None: ...


def shut(connection: socket.socket) -> None:
    """Close both directions of a connection now, as a network failure would."""
    with contextlib.suppress(OSError):  # the client may have closed it already
        connection.shutdown(socket.SHUT_RDWR)


class Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() waits for every handler
    block_on_close = True

    def __init__(self, address: tuple[str, int], backend: Backend) -> None:
        self.backend = backend
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client going away is not news
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    @property
    def backend(self) -> Backend:
        return cast(Server, self.server).backend

    def setup(self) -> None:
        super().setup()
        # Small writes (headers, then body; one SSE frame at a time) must leave at once, not
        # wait out Nagle's algorithm against the client's delayed ACK (some 40 ms a time).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.backend.track(self.connection, True)

    def finish(self) -> None:
        self.backend.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeAPI.requests`` instead."""

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        wire = _ROUTES.get(path)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = None
        headers = {key.lower(): value for key, value in self.headers.items()}
        fields = body if isinstance(body, dict) else {}
        api, name = (wire.api, wire.name) if wire else ("unknown", "")
        self.backend.record(RecordedRequest(path, headers, fields, api, name))
        if wire is None:
            message = f"FakeAPI: no route for POST {path}"
            self._send_json(404, {"error": {"message": message, "type": "not_found"}})
        elif not isinstance(body, dict):
            self._send_error(wire, Reply(status=400, error={"message": "the body is not JSON"}), "")
        else:
            self._answer(wire, body)

    def _answer(self, wire: _Wire, body: dict[str, Any]) -> None:
        model = str(body.get("model", ""))
        reply = self.backend.take(wire.api, model)
        if reply is None:
            message = (
                f"FakeAPI: no scripted reply left for {wire.api} {wire.name} (model {model!r})"
            )
            self._send_error(wire, Reply(status=500, error={"message": message}), model)
        elif reply.fault != "stall" and not self._pause(reply.delay):
            self._abort()
        elif reply.is_error and body.get("stream") and reply.fault_after is not None:
            stream = wire.stream(reply, model, body)
            failed = Stream(
                [*stream.frames[: reply.fault_after], wire.error_event(reply, model)], 0, b""
            )
            self._send_stream(Reply(headers=reply.headers), failed)
        elif reply.is_error:
            self._send_error(wire, reply, model)
        elif body.get("stream"):
            self._send_stream(reply, wire.stream(reply, model, body))
        else:
            self._send_plain(reply, json.dumps(wire.body(reply, model)).encode())

    def _pause(self, seconds: float) -> bool:
        """Wait; False when the server began stopping meanwhile."""
        return seconds <= 0 or not self.backend.stopping.wait(seconds)

    def _send_error(self, wire: _Wire, reply: Reply, model: str) -> None:
        self._send_json(reply.status, wire.error(reply, model), reply.headers)

    def _send_json(
        self, status: int, payload: Json, headers: Mapping[str, str] | None = None
    ) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), headers or {})

    def _send_bytes(
        self, status: int, data: bytes, headers: Mapping[str, str], length: int | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data) if length is None else length))
        self.send_header("x-request-id", "req_fake")
        self.send_header("request-id", "req_fake")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_plain(self, reply: Reply, data: bytes) -> None:
        """A JSON reply; ``drop`` cuts it short of its length, ``truncate`` and ``malformed``
        send half of it as if whole, ``stall`` waits ``delay`` before answering."""
        half = data[: len(data) // 2]
        if reply.fault == "drop":
            self._send_bytes(200, half, reply.headers, length=len(data))
            self._abort()
        elif reply.fault in ("truncate", "malformed"):
            self._send_bytes(200, half, reply.headers)
        elif reply.fault == "stall" and not self._pause(reply.delay):
            self._abort()
        else:
            self._send_bytes(200, data, reply.headers)

    def _send_stream(self, reply: Reply, stream: Stream) -> None:
        frames, fault, after = stream.frames, reply.fault, reply.fault_after
        if after is None:
            after = stream.terminal if fault == "truncate" else min(2, stream.terminal)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if fault is None:
            self._write_chunks(frames)
        elif fault == "truncate":
            self._write_chunks(frames[:after])
        elif fault == "malformed":
            self._write_chunks([*frames[:after], stream.malformed, *frames[after:]])
        else:  # drop or stall: send the head, then cut or pause
            self._write_chunks(frames[:after], end=False)
            if fault == "drop" or not self._pause(reply.delay):
                self._abort()
            else:
                self._write_chunks(frames[after:])

    def _write_chunks(self, frames: list[bytes], *, end: bool = True) -> None:
        for data in frames:
            self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
        if end:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _abort(self) -> None:
        self.close_connection = True
        shut(self.connection)
