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
    """A model call failed. ``status`` is the HTTP status when there was one."""

    def __init__(
        self, message: str, hint: str = "", *, status: int | None = None, retryable: bool = False
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.retryable = retryable


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
