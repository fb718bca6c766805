"""A local HTTP server that speaks the OpenAI Responses, OpenAI Chat Completions and Anthropic
Messages wire protocols, streaming (SSE) and not, with scripted replies, real error bodies and
injected faults. For tests and demos; it never calls out.

    with FakeAPI() as api:
        api.add({"text": "hello"}, api="anthropic")
        client = anthropic.AsyncAnthropic(base_url=api.anthropic_base_url, api_key="test")
        ...
        assert api.requests[0].model == "claude-x"

A request takes the first reply queued for its model, else for its API, else for any request.
With nothing queued it answers 500, with a body saying no scripted reply is left.

Standalone: ``python -m codex_py.testing.fake_api --port 8000 --script replies.yaml``, where the
script is a YAML list of replies (see ``codex_py.testing.replies``), each with optional ``api``
and ``model`` keys choosing its queue.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import socket
import sys
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any, cast

from codex_py.testing.fake_server import Api, RecordedRequest, Server, shut
from codex_py.testing.replies import Reply, parse_reply

__all__ = ["FakeAPI", "RecordedRequest", "main"]
QueueKey = tuple[Api | None, str | None]


class FakeAPI:
    """The scripted server. Thread-safe: many clients may call it at once."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._lock = threading.Lock()
        self._queues: dict[QueueKey, collections.deque[Reply]] = collections.defaultdict(
            collections.deque
        )
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self.stopping = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeAPI:
        self.stopping.clear()
        self._server = Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="fake-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and stalls, and wait for every handler."""
        if self._server is None or self._thread is None:
            return
        self.stopping.set()
        self._server.shutdown()
        with self._lock:
            for connection in self._connections:
                shut(connection)
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeAPI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    def add(
        self,
        reply: Reply | Mapping[str, Any],
        *,
        api: Api | None = None,
        model: str | None = None,
    ) -> None:
        """Queue a reply for requests to ``model`` and/or ``api`` (neither: for any request)."""
        parsed = reply if isinstance(reply, Reply) else parse_reply(reply)
        with self._lock:
            self._queues[(api, model)].append(parsed)

    def pending(self) -> int:
        """How many scripted replies are still queued."""
        with self._lock:
            return sum(len(queue) for queue in self._queues.values())

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    # --- the server's side (fake_server.Backend) ---

    def take(self, api: Api, model: str) -> Reply | None:
        with self._lock:
            for key in ((api, model), (None, model), (api, None), (None, None)):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
        return None

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def track(self, connection: socket.socket, live: bool) -> None:
        with self._lock:
            if live:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


def load_script(path: str) -> list[tuple[Reply, Api | None, str | None]]:
    """A YAML script's replies, each with the API and model it is queued for."""
    import yaml  # only the standalone server reads YAML

    with open(path, encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or []
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ValueError(f"{path}: the script must be a YAML list of replies")
    script = []
    for number, entry in enumerate(entries, 1):
        fields = dict(entry)
        api, model = fields.pop("api", None), fields.pop("model", None)
        if api not in (None, "openai", "anthropic"):
            raise ValueError(f"{path}: reply {number}: api must be openai or anthropic")
        try:
            reply = parse_reply(fields)
        except ValueError as exc:
            raise ValueError(f"{path}: reply {number}: {exc}") from exc
        script.append((reply, cast("Api | None", api), None if model is None else str(model)))
    return script


def main(argv: list[str] | None = None) -> int:
    """Serve in the foreground until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m codex_py.testing.fake_api", description="Run the fake model API server."
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one)")
    parser.add_argument("--script", help="YAML list of scripted replies")
    args = parser.parse_args(argv)
    fake = FakeAPI(port=args.port)
    try:
        script = load_script(args.script) if args.script else []
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for reply, api, model in script:
        fake.add(reply, api=api, model=model)
    with fake, contextlib.suppress(KeyboardInterrupt):
        print(f"FakeAPI listening on {fake.url}", flush=True)
        print(f"OPENAI_BASE_URL={fake.openai_base_url}", flush=True)
        print(f"ANTHROPIC_BASE_URL={fake.anthropic_base_url}", flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
