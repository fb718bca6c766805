"""The bubblewrap sandbox, run for real (skipped, with the reason, only if bwrap cannot start)."""

from __future__ import annotations

import asyncio
import fcntl
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from codex_py.config.settings import EnvironmentPolicy, SandboxSettings, ShellSettings
from codex_py.errors import SandboxError
from codex_py.tools.sandbox import check_sandbox, sandbox_argv, sandbox_failure_note
from codex_py.tools.shell import ShellArgs, run_shell
from codex_py.types import ToolResult

NO_NETWORK = SandboxSettings(mode="bwrap", network=False, writable_roots=())
WITH_NETWORK = SandboxSettings(mode="bwrap", network=True, writable_roots=())
SETTINGS = ShellSettings(default_timeout_ms=10_000, max_timeout_ms=600_000, max_output_bytes=10_240)
ENV_POLICY = EnvironmentPolicy(inherit="all", ignore_default_excludes=False, exclude=(), set={})


@pytest.fixture(scope="module")
def bwrap() -> None:
    try:
        check_sandbox(NO_NETWORK)
    except SandboxError as exc:
        pytest.skip(f"bubblewrap cannot run here: {exc}")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    return path


def sandboxed(
    command: list[str],
    workspace: Path,
    sandbox: SandboxSettings = NO_NETWORK,
    timeout_ms: int = 10_000,
) -> ToolResult:
    args = ShellArgs(command=command, workdir=workspace, timeout_ms=timeout_ms)
    return asyncio.run(
        run_shell(
            args, settings=SETTINGS, env_policy=ENV_POLICY, workspace=workspace, sandbox=sandbox
        )
    )


@pytest.fixture
def local_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that greets every connection; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(b"hello")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def connect_command(port: int) -> list[str]:
    code = (
        f"import socket; s = socket.create_connection(('127.0.0.1', {port}), timeout=5); "
        "print(s.recv(5).decode())"
    )
    return [sys.executable, "-c", code]


# --- without running bwrap -------------------------------------------------------------------


def test_mode_none_needs_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    check_sandbox(SandboxSettings(mode="none", network=False, writable_roots=()))


def test_missing_bwrap_is_reported_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SandboxError) as caught:
        check_sandbox(NO_NETWORK)
    assert "not installed" in caught.value.message
    assert "apt-get install bubblewrap" in caught.value.hint
    assert "none" in caught.value.hint


def test_argv_shape(tmp_path: Path) -> None:
    settings = SandboxSettings(mode="bwrap", network=False, writable_roots=("cache", "/opt/x"))
    argv = sandbox_argv(["make", "-j2"], workspace=tmp_path, settings=settings, tmp_dir=Path("/t"))
    assert argv[0] == "bwrap"
    assert argv[-3:] == ["--", "make", "-j2"]
    text = " ".join(argv)
    assert "--ro-bind / /" in text
    assert f"--bind {tmp_path} {tmp_path}" in text
    assert f"--bind-try {tmp_path / 'cache'} {tmp_path / 'cache'}" in text
    assert "--bind-try /opt/x /opt/x" in text
    assert "--bind /t /t --setenv TMPDIR /t" in text
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--cap-drop ALL"):
        assert flag in text
    assert "--setenv CODEX_SANDBOX_NETWORK_DISABLED 1" in text
    networked = sandbox_argv(["make"], workspace=tmp_path, settings=WITH_NETWORK)
    assert "--unshare-net" not in networked
    assert "CODEX_SANDBOX_NETWORK_DISABLED" not in networked


@pytest.mark.parametrize(
    ("output", "settings", "mentions"),
    [
        ("touch: cannot touch '/etc/x': Read-only file system", NO_NETWORK, "read-only"),
        ("curl: (6) Could not resolve host: example.com", NO_NETWORK, "network"),
        ("ConnectionRefusedError: [Errno 111] Connection refused", NO_NETWORK, "network"),
        ("curl: (6) Could not resolve host: example.com", WITH_NETWORK, None),
        ("error: tests failed", NO_NETWORK, None),
    ],
)
def test_failure_notes(output: str, settings: SandboxSettings, mentions: str | None) -> None:
    note = sandbox_failure_note(output, settings)
    if mentions is None:
        assert note is None
    else:
        assert note is not None and mentions in note


# --- running bwrap ---------------------------------------------------------------------------


@pytest.mark.usefixtures("bwrap")
def test_writes_inside_the_workspace_work(workspace: Path) -> None:
    result = sandboxed(["sh", "-c", "echo made > inside.txt"], workspace)
    assert result.exit_code == 0, result.output
    assert result.metadata["sandboxed"] is True
    assert (workspace / "inside.txt").read_text() == "made\n"


@pytest.mark.usefixtures("bwrap")
def test_writes_outside_the_workspace_are_denied(workspace: Path) -> None:
    outside = workspace.parent / "outside.txt"
    result = sandboxed(["sh", "-c", f"echo escaped > {outside}"], workspace)
    assert result.exit_code != 0
    assert not outside.exists()
    assert "Read-only file system" in result.output
    assert "[sandbox]" in result.output


@pytest.mark.usefixtures("bwrap")
def test_root_inside_cannot_remount_writable(workspace: Path) -> None:
    outside = workspace.parent / "outside.txt"
    script = f"mount -o remount,rw / ; echo escaped > {outside}"
    sandboxed(["sh", "-c", script], workspace)
    assert not outside.exists()


@pytest.mark.usefixtures("bwrap")
def test_private_tmpdir_is_writable_and_removed(workspace: Path) -> None:
    script = 'echo scratch > "$TMPDIR/f" && cat "$TMPDIR/f" && echo "$TMPDIR"'
    result = sandboxed(["sh", "-c", script], workspace)
    assert result.exit_code == 0, result.output
    scratch, tmp_dir = result.output.splitlines()
    assert scratch == "scratch"
    assert not Path(tmp_dir).exists()


@pytest.mark.usefixtures("bwrap")
def test_extra_writable_roots(workspace: Path) -> None:
    (workspace.parent / "cache").mkdir()
    settings = SandboxSettings(mode="bwrap", network=False, writable_roots=("../cache",))
    result = sandboxed(["sh", "-c", "echo ok > ../cache/f"], workspace, settings)
    assert result.exit_code == 0, result.output
    assert (workspace.parent / "cache" / "f").read_text() == "ok\n"


@pytest.mark.usefixtures("bwrap")
def test_network_is_cut_off(workspace: Path, local_server: int) -> None:
    result = sandboxed(connect_command(local_server), workspace)
    assert result.exit_code != 0
    assert "hello" not in result.output
    assert "without network access" in result.output


@pytest.mark.usefixtures("bwrap")
def test_network_true_allows_the_same_connection(workspace: Path, local_server: int) -> None:
    result = sandboxed(connect_command(local_server), workspace, WITH_NETWORK)
    assert (result.exit_code, result.output) == (0, "hello\n")


@pytest.mark.usefixtures("bwrap")
def test_environment_marks_the_missing_network(workspace: Path) -> None:
    script = 'echo "$CODEX_SANDBOX_NETWORK_DISABLED"'
    assert sandboxed(["sh", "-c", script], workspace).output == "1\n"
    assert sandboxed(["sh", "-c", script], workspace, WITH_NETWORK).output == "\n"


@pytest.mark.usefixtures("bwrap")
def test_own_pid_namespace_hides_host_processes(workspace: Path) -> None:
    result = sandboxed(["sh", "-c", "ls /proc | grep -c '^[0-9]'"], workspace)
    assert int(result.output) < 10  # bwrap's init, sh, ls, grep: not the host's processes


@pytest.mark.usefixtures("bwrap")
def test_timeout_leaves_nothing_running(workspace: Path) -> None:
    # A background grandchild holds a lock on a workspace file for as long as it lives.
    holder = "import fcntl, sys, time; f = open('held.lock', 'w'); fcntl.flock(f, fcntl.LOCK_EX); "
    holder += "print('locked', flush=True); time.sleep(300)"
    script = f'{sys.executable} -c "{holder}" & sleep 300'
    result = sandboxed(["sh", "-c", script], workspace, timeout_ms=3_000)
    assert result.exit_code == 124
    assert result.output.startswith("locked\n")
    with (workspace / "held.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the holder still lives
