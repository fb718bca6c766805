"""The fake API server itself: queues, wire framing, concurrency, shutdown and the CLI."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from codex_py.testing.fake_api import FakeAPI

PATHS = {"responses": "/v1/responses", "chat": "/v1/chat/completions", "messages": "/v1/messages"}


def post(url: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """A raw POST; returns the status, the headers and the whole body."""
    host = url.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.request("POST", path, json.dumps(body), {"content-type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def text_of(wire: str, payload: bytes) -> str:
    body = json.loads(payload)
    if wire == "chat":
        return str(body["choices"][0]["message"]["content"])
    if wire == "messages":
        return str(body["content"][0]["text"])
    return str(body["output"][0]["content"][0]["text"])


def test_model_queues_come_before_api_queues_before_the_global_one(fake_api: FakeAPI) -> None:
    fake_api.add({"text": "global"})
    fake_api.add({"text": "openai"}, api="openai")
    fake_api.add({"text": "special"}, model="special")
    fake_api.add({"text": "claude special"}, api="anthropic", model="special")
    asked = [("chat", "special"), ("chat", "special"), ("messages", "special"), ("messages", "x")]
    answers = [text_of(w, post(fake_api.url, PATHS[w], {"model": m})[2]) for w, m in asked]
    assert answers == ["special", "openai", "claude special", "global"]
    assert fake_api.pending() == 0
    assert [(r.api, r.wire, r.model) for r in fake_api.requests] == [
        ("openai", "chat", "special"),
        ("openai", "chat", "special"),
        ("anthropic", "messages", "special"),
        ("anthropic", "messages", "x"),
    ]


@pytest.mark.parametrize("wire", ["responses", "chat", "messages"])
def test_with_nothing_queued_the_answer_is_a_clear_500(fake_api: FakeAPI, wire: str) -> None:
    status, _, payload = post(fake_api.url, PATHS[wire], {"model": "m"})
    body = json.loads(payload)
    error = body["error"]
    assert status == 500
    assert "no scripted reply left" in error["message"]
    assert (body.get("type"), error["type"]) == (
        ("error", "api_error") if wire == "messages" else (None, "server_error")
    )


def test_an_unknown_path_is_404_and_still_recorded(fake_api: FakeAPI) -> None:
    status, _, _ = post(fake_api.url, "/v1/embeddings", {"model": "m"})
    assert status == 404
    assert [(r.path, r.api) for r in fake_api.requests] == [("/v1/embeddings", "unknown")]


def test_error_replies_carry_their_headers(fake_api: FakeAPI) -> None:
    fake_api.add({"status": 429, "headers": {"retry-after": "7"}})
    status, headers, payload = post(fake_api.url, PATHS["messages"], {"model": "m"})
    assert (status, headers["retry-after"]) == (429, "7")
    assert json.loads(payload)["error"]["type"] == "rate_limit_error"


def sse_lines(wire: str, fake_api: FakeAPI, **body: Any) -> list[str]:
    fake_api.add({"text": "Hi there", "tool_calls": [{"name": "shell"}]})
    status, headers, payload = post(
        fake_api.url, PATHS[wire], {"model": "m", "stream": True, **body}
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    return payload.decode().split("\n")


def test_responses_stream_framing(fake_api: FakeAPI) -> None:
    lines = sse_lines("responses", fake_api)
    events = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
    assert events[:2] == ["response.created", "response.in_progress"]
    assert events[-1] == "response.completed"
    assert "[DONE]" not in "".join(lines)
    data = [json.loads(line[6:]) for line in lines if line.startswith("data: ")]
    assert [d["type"] for d in data] == events
    assert [d["sequence_number"] for d in data] == list(range(len(data)))


def test_chat_stream_framing(fake_api: FakeAPI) -> None:
    lines = [
        line for line in sse_lines("chat", fake_api, stream_options={"include_usage": True}) if line
    ]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["prompt_tokens"] == 10
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_messages_stream_framing(fake_api: FakeAPI) -> None:
    lines = sse_lines("messages", fake_api)
    events = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
    assert events[:2] == ["message_start", "ping"]
    assert events[-2:] == ["message_delta", "message_stop"]
    assert events.count("content_block_start") == events.count("content_block_stop") == 2


def test_many_clients_at_once_each_get_one_reply(fake_api: FakeAPI) -> None:
    texts = {f"reply {n}" for n in range(24)}
    for text in sorted(texts):
        fake_api.add({"text": text})
    answers: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(6):
            answer = text_of("chat", post(fake_api.url, PATHS["chat"], {"model": "m"})[2])
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == sorted(texts)
    assert len(fake_api.requests) == 24


def test_stop_ends_a_stalled_stream_and_returns() -> None:
    fake = FakeAPI().start()
    fake.add({"text": "never finished", "fault": "stall", "delay": 600})
    outcome: list[BaseException | None] = []

    def client() -> None:
        try:
            post(fake.url, PATHS["messages"], {"model": "m", "stream": True})
            outcome.append(None)
        except (http.client.IncompleteRead, ConnectionError) as error:
            outcome.append(error)

    thread = threading.Thread(target=client)
    thread.start()
    for _ in range(3000):  # wait until the request is in, and stalled
        if fake.requests:
            break
        threading.Event().wait(0.01)
    fake.stop()
    thread.join()
    assert isinstance(outcome[0], http.client.IncompleteRead)


def test_the_standalone_server_plays_a_yaml_script(tmp_path: Path) -> None:
    script = tmp_path / "replies.yaml"
    script.write_text("- {api: anthropic, text: from the script}\n- {text: second}\n")
    command = [
        sys.executable,
        "-m",
        "codex_py.testing.fake_api",
        "--port",
        "0",
        "--script",
        str(script),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split()[-1]
            assert url.startswith("http://127.0.0.1:")
            status, _, payload = post(url, PATHS["messages"], {"model": "m"})
            assert (status, text_of("messages", payload)) == (200, "from the script")
        finally:
            process.terminate()


def test_the_standalone_server_rejects_a_bad_script(tmp_path: Path) -> None:
    script = tmp_path / "replies.yaml"
    script.write_text("- {txt: typo}\n")
    command = [sys.executable, "-m", "codex_py.testing.fake_api", "--script", str(script)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2
    assert "reply 1: unknown reply key 'txt'" in done.stderr
