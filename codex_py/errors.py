"""One exception tree for codex-py. Every error carries a one-line ``hint`` saying how to fix it.

CodexError
├── ConfigError          bad YAML, unknown key, wrong type, missing API key  (exit 2)
├── UsageError           bad command-line arguments                          (exit 2)
├── ProviderError        a model call failed (HTTP status, network, bad reply) (exit 1)
│   └── ContextLengthError   the request did not fit the model's context window
├── ToolError            a tool could not run; fed back to the model, never a crash
│   ├── PatchError       apply_patch could not parse or apply a patch
│   └── SandboxError     the sandbox is missing or cannot start
└── BudgetExceeded       the run reached its cost limit
"""

from __future__ import annotations


class CodexError(Exception):
    """Base class: ``message`` is one line, ``hint`` says what to do about it."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(CodexError):
    exit_code = 2


class UsageError(CodexError):
    exit_code = 2


class ProviderError(CodexError):
    """A model call failed. ``status`` is the HTTP status when there was one; ``retry_after`` is
    the wait in seconds the server asked for (``Retry-After``, ``retry-after-ms``, or a "try again
    in Xs" message); ``partial_text`` says whether text had already streamed when it failed."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        partial_text: bool = False,
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.partial_text = partial_text


class ContextLengthError(ProviderError):
    pass


class ToolError(CodexError):
    pass


class PatchError(ToolError):
    pass


class SandboxError(ToolError):
    pass


class BudgetExceeded(CodexError):
    pass
