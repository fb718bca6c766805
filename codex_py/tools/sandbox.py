"""The bubblewrap sandbox that full-auto commands run in (Linux).

Inside, the whole filesystem is visible but read-only, except the workspace, a private temporary
directory (``TMPDIR``) and any configured ``writable_roots``. The network is cut off
(``--unshare-net``: only a loopback interface of its own) unless ``network: true``. The command
gets a PID namespace of its own, so when the sandbox ends every process in it ends too, and the
sandbox dies with the agent (``--die-with-parent``). All capabilities are dropped, so even root
inside cannot remount the filesystem writable.

The private temporary directory lives on the host and is bound into the sandbox at the same path;
``sandbox_temp_dir`` makes one and removes it afterwards. Host ``/tmp`` stays read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeGuard

from codex_py.config.settings import SandboxSettings
from codex_py.errors import SandboxError

NETWORK_DISABLED_VARIABLE = "CODEX_SANDBOX_NETWORK_DISABLED"
INSTALL_HINT = (
    "install bubblewrap (`apt-get install bubblewrap`), or set `sandbox: {mode: none}` in the "
    "config to run commands unsandboxed"
)
_PROBE_TIMEOUT_SECONDS = 10.0

_READ_ONLY_SIGNS = ("read-only file system",)
_NETWORK_SIGNS = (
    "network is unreachable",
    "could not resolve host",
    "temporary failure in name resolution",
    "name or service not known",
    "connection refused",
    "failed to establish a new connection",
    "failed to connect",
)


def is_enabled(settings: SandboxSettings | None) -> TypeGuard[SandboxSettings]:
    """Whether commands run under bubblewrap with these settings."""
    return settings is not None and settings.mode == "bwrap"


def check_sandbox(settings: SandboxSettings) -> None:
    """Make sure bubblewrap is installed and can start a sandbox here.

    Raises ``SandboxError`` (with a hint saying how to fix it) when it cannot; returns at once
    for ``mode: none``.
    """
    if not is_enabled(settings):
        return
    if shutil.which("bwrap") is None:
        raise SandboxError("bubblewrap (bwrap) is not installed", INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="codex-sandbox-probe-") as workspace:
        argv = sandbox_argv(["true"], workspace=Path(workspace), settings=settings)
        try:
            probe = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=_PROBE_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxError(f"bubblewrap cannot start: {exc}", INSTALL_HINT) from exc
    if probe.returncode != 0:
        detail = probe.stderr.decode(errors="replace").strip() or f"exit {probe.returncode}"
        raise SandboxError(
            f"bubblewrap cannot start a sandbox here ({detail}); it needs unprivileged user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1) or a setuid bwrap",
            INSTALL_HINT,
        )


def sandbox_argv(
    argv: Sequence[str],
    *,
    workspace: Path,
    settings: SandboxSettings,
    tmp_dir: Path | None = None,
) -> list[str]:
    """``argv`` wrapped in a ``bwrap`` invocation. Pure: does no I/O.

    ``tmp_dir`` (an existing host directory, see ``sandbox_temp_dir``) becomes writable and
    ``TMPDIR``. Writable roots that do not exist are skipped; relative ones are taken from the
    workspace. The command keeps the caller's working directory.
    """
    writable = [workspace, *(_root_path(root, workspace) for root in settings.writable_roots)]
    wrapper = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    wrapper += ["--bind", str(workspace), str(workspace)]
    for root in writable[1:]:
        wrapper += ["--bind-try", str(root), str(root)]
    if tmp_dir is not None:
        wrapper += ["--bind", str(tmp_dir), str(tmp_dir), "--setenv", "TMPDIR", str(tmp_dir)]
    wrapper += ["--unshare-pid", "--die-with-parent", "--cap-drop", "ALL"]
    if not settings.network:
        wrapper += ["--unshare-net", "--setenv", NETWORK_DISABLED_VARIABLE, "1"]
    return [*wrapper, "--", *argv]


@contextmanager
def sandbox_temp_dir() -> Iterator[Path]:
    """A fresh host directory to serve as the sandbox's ``TMPDIR``; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="codex-sandbox-tmp-") as path:
        yield Path(path)


def sandbox_failure_note(output: str, settings: SandboxSettings) -> str | None:
    """A note for the model when a sandboxed command's ``output`` shows the sandbox stopped it."""
    lowered = output.lower()
    if any(sign in lowered for sign in _READ_ONLY_SIGNS):
        return (
            "[sandbox] This command ran in a sandbox where everything outside the workspace "
            "and $TMPDIR is read-only; the 'Read-only file system' error comes from the sandbox."
        )
    if not settings.network and any(sign in lowered for sign in _NETWORK_SIGNS):
        return (
            "[sandbox] This command ran in a sandbox without network access (not even to the "
            "host's 127.0.0.1); the connection failure is probably caused by the sandbox."
        )
    return None


def _root_path(root: str, workspace: Path) -> Path:
    return workspace / os.path.expanduser(root)
