"""Pure helpers shared by the OpenAI and Anthropic wire translations and adapters: tool-call ids,
tool traffic as plain text, token counts, and the one-line ``ProviderError`` for each kind of
failure.

Usage convention (every adapter follows it): ``input_tokens`` counts every prompt token, cached or
not; ``cache_read_tokens`` and ``cache_write_tokens`` are the parts of it read from and written
to the prompt cache. ``reasoning_tokens`` is the part of ``output_tokens`` spent on reasoning.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from codex_py.errors import ContextLengthError, ProviderError
from codex_py.types import ModelResponse

_PORTABLE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "context length",
    "context window",
    "context limit",
    "prompt is too long",
    "maximum context",
)
_DETAIL_LIMIT = 300
_TRY_AGAIN = re.compile(r"try again in (?:(\d+)m)?(\d+(?:\.\d+)?)(ms|s)\b", re.IGNORECASE)


class StreamAccumulator(Protocol):
    """Folds one API's stream events (plain dicts) into a ``ModelResponse``."""

    def feed(self, event: Mapping[str, Any]) -> str:
        """Take one event; return the text it adds to the answer ("" when none)."""
        ...

    def finish(self) -> ModelResponse:
        """The whole answer; raises a retryable ``ProviderError`` if the stream was cut short."""
        ...


def portable_call_id(call_id: str) -> str:
    """A tool-call id every API accepts: ``[A-Za-z0-9_-]``, at most 40 characters (OpenAI's limit).

    Valid ids pass unchanged; any other maps deterministically, so a call and its result, each
    translated on its own, still carry the same id.
    """
    if _PORTABLE_ID.fullmatch(call_id):
        return call_id
    return "call_" + hashlib.sha256(call_id.encode()).hexdigest()[:24]


def arguments_object(arguments: str) -> dict[str, Any]:
    """Tool arguments as a JSON object, for APIs that want one; bad JSON is kept, not lost."""
    try:
        value = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return {"raw_arguments": arguments}
    return value if isinstance(value, dict) else {"raw_arguments": arguments}


def count(data: Mapping[str, Any] | None, *path: str) -> int:
    """The integer at ``path`` inside nested mappings; 0 when any step is missing or null."""
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return 0
        value = value.get(key)
    return value if isinstance(value, int) else 0


@dataclass(frozen=True)
class CallTarget:
    """What an error message names: the provider, its model, its URL and its key variable."""

    provider: str
    model: str
    base_url: str
    key_env: str | None


def _one_line(detail: str) -> str:
    text = " ".join(detail.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 3] + "..."


def retry_after_seconds(headers: Mapping[str, str] | None, message: str = "") -> float | None:
    """The wait a server asked for: ``retry-after-ms``, ``retry-after`` (seconds or an HTTP
    date), or a "try again in 1m2.5s" / "in 20ms" in the error message; None when it did not."""
    headers = headers or {}
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        if "retry-after" in headers:
            value = headers["retry-after"]
            if value.strip().replace(".", "", 1).isdigit():
                return float(value)
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (ValueError, TypeError):
        pass  # an unreadable header is no instruction; fall back to the message
    found = _TRY_AGAIN.search(message)
    if found is None:
        return None
    minutes, amount, unit = found.groups()
    seconds = float(amount) / (1000 if unit == "ms" else 1)
    return seconds + 60 * int(minutes or 0)


def http_error(
    target: CallTarget,
    status: int,
    detail: str,
    code: str = "",
    *,
    retry_after: float | None = None,
) -> ProviderError:
    """The ``ProviderError`` for an HTTP error status (or an error event carrying one);
    ``retry_after`` is the wait the server asked for, kept on retryable errors."""
    who, detail = target.provider, _one_line(detail)
    if status == 401:
        key = target.key_env or "the API key"
        return ProviderError(
            f"{who} rejected the API key (401): {detail}", f"check {key}", status=status
        )
    if status == 403:
        return ProviderError(
            f"{who} refused the request (403): {detail}",
            "check that your key may use this model",
            status=status,
        )
    if status == 404 and (code == "model_not_found" or "model" in detail.lower()):
        return ProviderError(
            f"{who} has no model {target.model!r} (404): {detail}",
            f"change providers.models.{who} in config",
            status=status,
        )
    if status == 404:
        return ProviderError(
            f"{who} endpoint not found at {target.base_url} (404): {detail}",
            f"check providers.endpoints.{who}.base_url",
            status=status,
        )
    if any(marker in f"{code} {detail}".lower() for marker in _CONTEXT_MARKERS):
        return ContextLengthError(
            f"{who} model {target.model!r}: the request is too long for its context window",
            "shorten the conversation or compact it",
            status=status,
        )
    if code == "insufficient_quota":
        return ProviderError(f"{who}: {detail}", "check the account's billing", status=status)
    retryable = status in RETRYABLE_STATUSES or status >= 500
    hint = "retry later" if retryable else "check the request and the provider settings"
    return ProviderError(
        f"{who} returned HTTP {status}: {detail}",
        hint,
        status=status,
        retryable=retryable,
        retry_after=retry_after if retryable else None,
    )


def connection_error(target: CallTarget, detail: str) -> ProviderError:
    """The ``ProviderError`` for a refused or dropped connection."""
    return ProviderError(
        f"connection to {target.provider} at {target.base_url} failed: {_one_line(detail)}",
        f"is the server up? check providers.endpoints.{target.provider}.base_url",
        retryable=True,
    )


def timeout_error(target: CallTarget, seconds: float) -> ProviderError:
    """The ``ProviderError`` for a server that went quiet for longer than the timeout."""
    return ProviderError(
        f"{target.provider} at {target.base_url} sent nothing for {seconds:g} s",
        f"retry, or raise providers.endpoints.{target.provider}.timeout for slow models",
        retryable=True,
    )


def bad_stream_error(target: CallTarget, detail: str) -> ProviderError:
    """The retryable ``ProviderError`` for a reply that broke its protocol (bad JSON, cut short)."""
    return ProviderError(
        f"{target.provider} sent a broken reply: {_one_line(detail)}",
        "the attempt failed; retry",
        retryable=True,
    )


def new_call_id() -> str:
    """A fresh tool-call id, for servers that send a call without one."""
    return "call_" + uuid.uuid4().hex[:24]
