"""A scripted provider: answers from a YAML list of replies, in order, without any network.

For demos and offline runs::

    # replies.yaml
    - text: "1. Look at the files\\n2. Report"
    - tool_calls: [{name: shell, arguments: {command: [ls]}}]
    - text: "There are three files."

    codex exec --provider fake -c providers.endpoints.fake.script=replies.yaml "what is here?"

The reply format is ``codex_py.testing.replies``'s, shared with the local fake HTTP server.
"""

from __future__ import annotations

import asyncio
from collections import deque
from pathlib import Path

import yaml

from codex_py.config.settings import Endpoint
from codex_py.errors import ConfigError, ProviderError
from codex_py.testing.replies import Reply, parse_reply
from codex_py.types import ModelRequest, ModelResponse, TextCallback

RETRYABLE = {408, 409, 429, 500, 502, 503, 504, 529}


def load_script(path: Path) -> list[Reply]:
    """Read and validate a script file; errors name the file and the reply."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"{path}: cannot read the fake script: {error}", "check the file"
        ) from None
    if not isinstance(data, list):
        raise ConfigError(f"{path}: a fake script must be a YAML list of replies", "see the README")
    replies = []
    for index, item in enumerate(data):
        try:
            replies.append(parse_reply(item))
        except ValueError as error:
            raise ConfigError(f"{path}: reply {index + 1}: {error}", "fix that reply") from None
    return replies


class FakeProvider:
    """Plays back scripted replies; text streams word by word through ``on_text``."""

    def __init__(self, name: str, endpoint: Endpoint, cwd: Path) -> None:
        if not endpoint.script:
            raise ConfigError(
                f"provider {name!r} (kind: fake) has no script",
                f"set providers.endpoints.{name}.script to a YAML file of replies",
            )
        self.name = name
        self.replies = deque(load_script(cwd / endpoint.script))

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        if not self.replies:
            raise ProviderError(f"the script of provider {self.name!r} has no reply left")
        reply = self.replies.popleft()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.is_error:
            message = reply.error.get("message", "scripted error")
            raise ProviderError(
                f"{self.name}: HTTP {reply.status}: {message}",
                status=reply.status,
                retryable=reply.status in RETRYABLE,
            )
        response = reply.to_response()
        if on_text and request.stream:
            for word in response.text.split(" "):
                on_text(word if word is response.text else f"{word} ")
        response.provider = self.name
        response.model = request.model
        if not request.tools:
            response.tool_calls = []  # a call offered no tools cannot make tool calls
        return response

    async def aclose(self) -> None:
        """Nothing to close: the script is in memory."""
