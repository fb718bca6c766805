"""The neutral scripted-reply format, shared by the fake HTTP server and the in-process fake
provider. A reply is a mapping (from Python or YAML)::

    text: "I will list the files."    # the assistant's text ("" for none)
    tool_calls:                        # calls the model makes; ids are made up when missing
      - {name: shell, arguments: {command: [ls]}, id: call_1}  # arguments: dict or JSON text
    usage: {input_tokens: 10, output_tokens: 5, cache_read_tokens: 0,
            cache_write_tokens: 0, reasoning_tokens: 0}
    delay: 0.5          # seconds to wait before answering; with fault "stall", the pause's length
    status: 429         # answer with this HTTP error status instead of a reply (with
                        # fault_after on a stream: as an error event after that many events)
    error: {message: "slow down", type: rate_limit_error, code: ..., param: ...}
    headers: {retry-after: "1"}
    fault: drop | truncate | malformed | stall
    fault_after: 2      # stream events sent before the fault

Faults: ``drop`` closes the connection mid-reply; ``truncate`` ends the stream cleanly without
its terminal event; ``malformed`` inserts a chunk that is not JSON; ``stall`` stops sending for
``delay`` seconds. ``usage`` counts follow the ``Usage`` convention: ``input_tokens`` include the
cached ones.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypeVar, cast

from codex_py.types import ModelResponse, ToolCall, Usage

Fault = Literal["drop", "truncate", "malformed", "stall"]
FAULTS: tuple[Fault, ...] = ("drop", "truncate", "malformed", "stall")
_KEYS = (
    "text",
    "tool_calls",
    "usage",
    "delay",
    "status",
    "error",
    "headers",
    "fault",
    "fault_after",
)
_USAGE_KEYS = tuple(f.name for f in fields(Usage))


@dataclass(frozen=True)
class ScriptedCall:
    """One scripted tool call; ``arguments`` is JSON text, ``id`` is made up when missing."""

    name: str
    arguments: str = "{}"
    id: str | None = None


@dataclass(frozen=True)
class Reply:
    """One scripted answer (or failure) of a model."""

    text: str = ""
    tool_calls: tuple[ScriptedCall, ...] = ()
    usage: Usage = field(default_factory=lambda: Usage(input_tokens=10, output_tokens=5))
    delay: float = 0.0
    status: int = 200
    error: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    fault: Fault | None = None
    fault_after: int | None = None

    @property
    def is_error(self) -> bool:
        return self.status >= 400

    def to_response(self) -> ModelResponse:
        """The reply as the ``ModelResponse`` a provider would return."""
        calls = [
            ToolCall(
                id=call.id or f"call_{uuid.uuid4().hex[:24]}",
                name=call.name,
                arguments=call.arguments,
            )
            for call in self.tool_calls
        ]
        stop = "tool_calls" if calls else "stop"
        usage = replace(self.usage)  # a copy: callers may add to it
        return ModelResponse(text=self.text, tool_calls=calls, usage=usage, stop_reason=stop)


def parse_reply(data: Mapping[str, Any]) -> Reply:
    """Validate a reply mapping; raises ``ValueError`` naming the offending key."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a reply must be a mapping, not {type(data).__name__}")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ValueError(f"unknown reply key {unknown[0]!r} (known: {', '.join(_KEYS)})")
    fault = data.get("fault")
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"fault must be one of {', '.join(FAULTS)}, not {fault!r}")
    return Reply(
        text=_typed(data, "text", str, ""),
        tool_calls=tuple(_parse_call(call) for call in _typed(data, "tool_calls", list, [])),
        usage=_parse_usage(_typed(data, "usage", Mapping, {})),
        delay=_at_least_zero("delay", float(_typed(data, "delay", (int, float), 0.0))),
        status=_parse_status(_typed(data, "status", int, 200)),
        error={str(k): str(v) for k, v in _typed(data, "error", Mapping, {}).items()},
        headers={str(k): str(v) for k, v in _typed(data, "headers", Mapping, {}).items()},
        fault=cast("Fault | None", fault),
        fault_after=_at_least_zero("fault_after", _typed(data, "fault_after", int, None)),
    )


def _typed(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = data.get(key, default)
    if value is default:
        return value
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"reply key {key!r} has the wrong type: {value!r}")
    return value


def _parse_call(call: Any) -> ScriptedCall:
    if not isinstance(call, Mapping) or not isinstance(call.get("name"), str):
        raise ValueError(f"a tool call needs a string 'name': {call!r}")
    arguments = call.get("arguments", {})
    if isinstance(arguments, Mapping):
        arguments = json.dumps(arguments)
    if not isinstance(arguments, str):
        raise ValueError(f"tool call arguments must be a mapping or JSON text: {arguments!r}")
    call_id = call.get("id")
    return ScriptedCall(
        name=call["name"], arguments=arguments, id=None if call_id is None else str(call_id)
    )


def _parse_usage(usage: Mapping[str, Any]) -> Usage:
    unknown = sorted(set(usage) - set(_USAGE_KEYS))
    if unknown:
        raise ValueError(f"unknown usage key {unknown[0]!r} (known: {', '.join(_USAGE_KEYS)})")
    counts = {"input_tokens": 10, "output_tokens": 5, **usage}
    for key, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"usage {key!r} must be a whole number >= 0, not {value!r}")
    return Usage(**counts)


NumberT = TypeVar("NumberT", int, float, None)


def _at_least_zero(key: str, value: NumberT) -> NumberT:
    if value is not None and value < 0:
        raise ValueError(f"reply key {key!r} must not be negative: {value}")
    return value


def _parse_status(status: int) -> int:
    if not 200 <= status <= 599:
        raise ValueError(f"status must be an HTTP status between 200 and 599, not {status}")
    return status
