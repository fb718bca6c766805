"""The OpenAI-compatible client over the real SDK adapters and the local fake server: both wire
shapes, streaming, the sync twin, an ensemble, and responses the OpenAI SDK's own types accept."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from codex_py.client.facade import AsyncClient, ChatObject, create_client, create_sync_client
from codex_py.errors import ConfigError
from codex_py.events import ListSink
from codex_py.testing.fake_api import FakeAPI

T = TypeVar("T")
HELLO = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Say hello"},
]
SHELL_TOOL = {
    "type": "function",
    "function": {
        "name": "shell",
        "description": "Run a command",
        "parameters": {"type": "object", "properties": {"command": {"type": "array"}}},
    },
}
LS = {"tool_calls": [{"name": "shell", "arguments": {"command": ["ls"]}}]}


@pytest.fixture
def env(fake_api: FakeAPI, tmp_path: Path) -> dict[str, str]:
    return {
        "CODEX_HOME": str(tmp_path / "home"),
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
        "OPENAI_API_KEY": "test",
        "ANTHROPIC_API_KEY": "test",
    }


def client(provider: str, env: dict[str, str], tmp_path: Path, **options: Any) -> AsyncClient:
    return create_client(provider, cwd=tmp_path, env=env, **options)


def using(chosen: AsyncClient, work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` and close the client's connections on the same event loop."""

    async def run() -> T:
        async with chosen:
            return await work

    return asyncio.run(run())


async def collect(chunks: AsyncIterator[ChatObject]) -> list[ChatObject]:
    return [chunk async for chunk in chunks]


def test_openai_text_reply_is_a_chat_completion(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add({"text": "Hello!", "usage": {"input_tokens": 12, "output_tokens": 3}})
    chosen = client("openai", env, tmp_path)
    reply = using(chosen, chosen.chat.completions.create(model="gpt-5.1", messages=HELLO))
    assert reply.choices[0].message.content == "Hello!"
    assert reply["choices"][0]["finish_reason"] == "stop"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (12, 3)
    assert reply.usage.total_tokens == 15
    parsed = ChatCompletion.model_validate(reply.to_dict())
    assert parsed.choices[0].message.content == "Hello!"
    assert reply.model_dump() == reply.to_dict()
    json.dumps(reply)  # it is the JSON the API would send


def test_anthropic_tool_call_comes_back_in_the_openai_shape(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add(LS, api="anthropic")
    chosen = client("anthropic", env, tmp_path)
    reply = using(
        chosen,
        chosen.chat.completions.create(
            model="claude-haiku-4-5", messages=HELLO, tools=[SHELL_TOOL], max_tokens=99
        ),
    )
    call = reply.choices[0].message.tool_calls[0]
    assert (call.type, call.function.name) == ("function", "shell")
    assert json.loads(call.function.arguments) == {"command": ["ls"]}
    assert reply.choices[0].finish_reason == "tool_calls"
    ChatCompletion.model_validate(reply.to_dict())
    sent = fake_api.requests[0]
    assert (sent.api, sent.model, sent.body["max_tokens"]) == ("anthropic", "claude-haiku-4-5", 99)
    assert sent.body["tools"][0]["name"] == "shell"
    assert "Be brief." in json.dumps(sent.body["system"])


def test_a_reply_message_and_a_tool_result_can_be_sent_back(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add(LS, api="anthropic")
    fake_api.add({"text": "one file"}, api="anthropic")
    chosen = client("anthropic", env, tmp_path)
    create = chosen.chat.completions.create

    async def two_turns() -> ChatObject:
        first = await create(model="claude-haiku-4-5", messages=HELLO, tools=[SHELL_TOOL])
        message = first.choices[0].message
        result = {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "a.txt"}
        history = [*HELLO, message, result]
        second: ChatObject = await create(
            model="claude-haiku-4-5", messages=history, tools=[SHELL_TOOL]
        )
        return second

    assert using(chosen, two_turns()).choices[0].message.content == "one file"
    sent = json.dumps(fake_api.requests[1].body["messages"])
    assert "tool_result" in sent and "a.txt" in sent


def test_the_model_defaults_to_the_providers_default(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add({"text": "hi"})
    chosen = client("openai", env, tmp_path)
    reply = using(chosen, chosen.chat.completions.create(messages=HELLO))
    assert fake_api.requests[0].model == "gpt-5.1"
    assert reply.model == "gpt-5.1"


def test_streaming_yields_openai_chunks_ending_with_the_usage(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add({"text": "Hello there, friend", "usage": {"input_tokens": 5, "output_tokens": 4}})
    chosen = client("openai", env, tmp_path)

    async def stream() -> list[ChatObject]:
        chunks = await chosen.chat.completions.create(
            model="gpt-5.1",
            messages=HELLO,
            stream=True,
            stream_options={"include_usage": True},
        )
        return await collect(chunks)

    chunks = using(chosen, stream())
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk.to_dict())
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.get("content") or "" for c in chunks if c.choices)
    assert text == "Hello there, friend"
    assert len([c for c in chunks if c.choices and c.choices[0].delta.get("content")]) > 1
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 9
    assert len({c.id for c in chunks}) == 1


def test_a_streamed_tool_call_arrives_whole_before_the_finish(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add(LS, api="anthropic")
    chosen = client("anthropic", env, tmp_path)

    async def stream() -> list[ChatObject]:
        create = chosen.chat.completions.create
        chunks = await create(
            model="claude-haiku-4-5", messages=HELLO, tools=[SHELL_TOOL], stream=True
        )
        return await collect(chunks)

    chunks = using(chosen, stream())
    call = chunks[-2].choices[0].delta.tool_calls[0]
    assert (call.index, call.function.name) == (0, "shell")
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert chunks[-1].get("usage") is None  # not asked for


def test_the_sync_client_answers_and_streams(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    fake_api.add({"text": "first"}, api="anthropic")
    fake_api.add({"text": "second answer"}, api="anthropic")
    with create_sync_client("anthropic", cwd=tmp_path, env=env) as chosen:
        create = chosen.chat.completions.create
        reply = create(model="claude-haiku-4-5", messages=HELLO)
        chunks = list(create(model="claude-haiku-4-5", messages=HELLO, stream=True))
    assert reply.choices[0].message.content == "first"
    assert "".join(c.choices[0].delta.get("content") or "" for c in chunks) == "second answer"


def test_an_ensemble_answers_like_one_model(
    fake_api: FakeAPI, env: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "team.yaml"
    config.write_text(
        "ensembles:\n  team:\n"
        "    models: [openai:gpt-5.1, anthropic:claude-haiku-4-5]\n"
        "    strategy: unanimous\n"
    )
    fake_api.add({"tool_calls": [{"name": "shell", "arguments": {"command": ["ls"]}}]})
    wrapped = {"command": ["bash", "-lc", "ls"]}
    fake_api.add({"tool_calls": [{"name": "shell", "arguments": wrapped}]}, api="anthropic")
    sink = ListSink()
    chosen = create_client("ensemble", config_file=config, cwd=tmp_path, env=env, sink=sink)
    reply = using(
        chosen,
        chosen.chat.completions.create(model="ignored", messages=HELLO, tools=[SHELL_TOOL]),
    )
    call = reply.choices[0].message.tool_calls[0]
    assert json.loads(call.function.arguments) == {"command": ["ls"]}
    assert sorted(r.model for r in fake_api.requests) == ["claude-haiku-4-5", "gpt-5.1"]
    assert reply.usage.prompt_tokens == 20  # both members' tokens
    assert [e.type for e in sink.events].count("ensemble_member") == 2
    ChatCompletion.model_validate(reply.to_dict())


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"n": 2}, TypeError),
        ({"tool_choice": "required"}, ValueError),
        ({"tools": [{"type": "web_search"}]}, ValueError),
    ],
)
def test_unsupported_arguments_fail_loudly(
    env: dict[str, str], tmp_path: Path, arguments: dict[str, Any], error: type[Exception]
) -> None:
    chosen = client("openai", env, tmp_path)
    with pytest.raises(error):
        using(chosen, chosen.chat.completions.create(messages=HELLO, **arguments))


def test_an_unknown_provider_is_a_config_error(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown provider 'nope'"):
        client("nope", env, tmp_path)
