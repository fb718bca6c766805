"""One exception tree for codex-py. Every error carries a one-line ``hint`` saying how to fix it,
and ``format_error`` is the one way an error reaches the terminal.

CodexError
├── ConfigError            bad YAML, unknown key, wrong type, missing API key    (exit 2)
│   └── SchemaError        a value that does not fit the schema, at a key path
├── UsageError             bad command-line or API arguments                     (exit 2)
├── ProviderError          a model call failed (HTTP status, network, bad reply)  (exit 1)
│   └── ContextLengthError the request did not fit the model's context window
├── ToolError              a tool could not run; fed back to the model, never a crash
│   ├── PatchError         apply_patch could not parse or apply a patch
│   └── SandboxError       the sandbox is missing or cannot start
├── ShellSyntaxError       a shell script the classifier cannot read (treated as unknown)
├── EventDecodeError       a log line or ``--json`` object that is not a valid event
├── BudgetExceeded         the run reached its cost limit                        (exit 1)
└── StopRun                the user chose "stop" at an approval prompt            (exit 130)

A class's ``default_hint`` stands in when a raise gives none, so every error says what to do.
A broken invariant inside the package (a bug, not bad input) is a plain ``ValueError`` or
``AssertionError`` and is not part of the tree.
"""

from __future__ import annotations

KeyPath = tuple[str, ...]


class CodexError(Exception):
    """Base class: ``message`` is one line, ``hint`` says what to do about it."""

    exit_code = 1
    default_hint = "run again with --debug to see where it failed"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(CodexError):
    exit_code = 2
    default_hint = "every key is documented in configs/default.yaml"


class SchemaError(ConfigError):
    """A config value does not fit the schema. ``path`` is the key it was found at; the loader
    turns it into a ``ConfigError`` naming the file and line."""

    def __init__(self, path: KeyPath, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.path = path


class UsageError(CodexError):
    exit_code = 2
    default_hint = "see codex --help"


class ProviderError(CodexError):
    """A model call failed. ``status`` is the HTTP status when there was one; ``retry_after`` is
    the wait in seconds the server asked for (``Retry-After``, ``retry-after-ms``, or a "try again
    in Xs" message); ``partial_text`` says whether text had already streamed when it failed."""

    default_hint = "check the provider's status page and your providers config"

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
    default_hint = "the history is compacted and the call tried again"


class ToolError(CodexError):
    default_hint = "fix the call's arguments and try again"


class PatchError(ToolError):
    default_hint = "read the file again and send a patch against its current text"


class SandboxError(ToolError):
    default_hint = "install bubblewrap (apt-get install bubblewrap), or set sandbox: none"


class ShellSyntaxError(CodexError):
    """A shell script uses syntax the classifier does not understand (or is malformed); callers
    treat the command as unknown, never as safe."""

    default_hint = "the command needs approval"


class EventDecodeError(CodexError):
    """A JSON object that is not a valid event: unknown type, missing field or wrong type."""

    default_hint = "the line is skipped"


class BudgetExceeded(CodexError):
    default_hint = "raise --max-cost or limits.max_cost to continue"


class StopRun(CodexError):
    """The user asked to stop the run at an approval prompt."""

    exit_code = 130
    default_hint = "resume it with: codex resume --last"


def format_error(error: CodexError) -> str:
    """The one line an error prints on the terminal: ``codex: error: MESSAGE — HINT``."""
    hint = f" — {error.hint}" if error.hint else ""
    return f"codex: error: {error.message}{hint}"
