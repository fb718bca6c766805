"""Safety: confinement to the workspace, refusal of non-text files, all-or-nothing commits
(with a failure injected at every position), and a fuzz test over random and mutated patches."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import affected_paths, apply_patch, parse_patch
from codex_py.tools.apply_patch.workspace import FileOps

Snapshot = dict[str, tuple[str, bytes | str, int]]


def snapshot(top: Path) -> Snapshot:
    """Every entry under ``top``: kind, content (or link target) and mode."""
    result: Snapshot = {}
    for path in sorted(top.rglob("*")):
        info = path.lstat()
        name = str(path.relative_to(top))
        if path.is_symlink():
            result[name] = ("link", os.readlink(path), 0)
        elif path.is_dir():
            result[name] = ("dir", b"", info.st_mode)
        else:
            result[name] = ("file", path.read_bytes(), info.st_mode)
    return result


def wrap(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"])


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """``tmp_path/root`` is the workspace; ``tmp_path/outside`` must never change."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret.txt").write_text("secret\n")
    root = tmp_path / "root"
    (root / "src").mkdir(parents=True)
    (root / "src/app.py").write_text("print('hi')\n")
    (root / "escape").symlink_to(tmp_path / "outside")
    (root / "secret_link.txt").symlink_to(tmp_path / "outside/secret.txt")
    (root / "inner_link.py").symlink_to(root / "src/app.py")
    return root


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (("*** Add File: ../outside/new.txt", "+x"), "leaves the workspace root"),
        (("*** Add File: src/../../outside/new.txt", "+x"), "leaves the workspace root"),
        (("*** Delete File: ../outside/secret.txt",), "leaves the workspace root"),
        (("*** Add File: /tmp/abs.txt", "+x"), "absolute path '/tmp/abs.txt' is not allowed"),
        (("*** Delete File: /etc/hostname",), "absolute path"),
        (("*** Add File: escape/new.txt", "+x"), "resolves through a symlink"),
        (("*** Update File: secret_link.txt", "@@", "-secret", "+owned"), "through a symlink"),
        (("*** Delete File: escape/secret.txt",), "through a symlink"),
        (
            (
                "*** Update File: src/app.py",
                "*** Move to: ../stolen.py",
                "@@",
                "-print('hi')",
                "+x",
            ),
            "leaves the workspace root",
        ),
        (
            (
                "*** Update File: src/app.py",
                "*** Move to: escape/app.py",
                "@@",
                "-print('hi')",
                "+x",
            ),
            "through a symlink",
        ),
        (
            ("*** Delete File: inner_link.py",),
            "refusing to delete 'inner_link.py': it is a symlink",
        ),
    ],
)
def test_paths_outside_the_workspace_are_refused(
    sandbox: Path, body: tuple[str, ...], message: str
) -> None:
    before = snapshot(sandbox.parent)
    text = wrap("*** Add File: first.txt", "+written first?", *body)
    with pytest.raises(PatchError) as caught:
        apply_patch(text, sandbox)
    assert message in caught.value.message
    assert caught.value.hint
    assert snapshot(sandbox.parent) == before


def test_affected_paths_refuses_escapes(sandbox: Path) -> None:
    with pytest.raises(PatchError, match="leaves the workspace root"):
        affected_paths(parse_patch(wrap("*** Delete File: ../x")), sandbox)


def test_symlink_inside_the_workspace_is_edited_through(sandbox: Path) -> None:
    apply_patch(
        wrap("*** Update File: inner_link.py", "@@", "-print('hi')", "+print('bye')"), sandbox
    )
    assert (sandbox / "inner_link.py").is_symlink()
    assert (sandbox / "src/app.py").read_text() == "print('bye')\n"


def test_working_directory_outside_the_root_is_refused(sandbox: Path) -> None:
    with pytest.raises(PatchError, match="outside the workspace"):
        apply_patch(wrap("*** Add File: x", "+x"), sandbox, cwd=sandbox.parent)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"PNG\x00\x01\x02", "is a binary file"), (b"caf\xe9\n", "is not valid UTF-8 (byte 3)")],
)
@pytest.mark.parametrize(
    "body",
    [
        ("*** Update File: blob", "@@", "-x", "+y"),
        ("*** Delete File: blob",),
        ("*** Add File: blob", "+text"),
    ],
)
def test_non_text_files_are_refused(
    tmp_path: Path, data: bytes, message: str, body: tuple[str, ...]
) -> None:
    (tmp_path / "blob").write_bytes(data)
    with pytest.raises(PatchError) as caught:
        apply_patch(wrap(*body), tmp_path)
    assert message in caught.value.message
    assert (tmp_path / "blob").read_bytes() == data


FILES = {"keep.txt": "k\n", "edit.txt": "one\ntwo\n", "old.txt": "o\n", "gone.txt": "g\n"}
GOOD_HUNKS = [
    ("*** Add File: new/added.txt", "+added"),
    ("*** Update File: edit.txt", "@@", " one", "-two", "+TWO"),
    ("*** Delete File: gone.txt",),
    ("*** Update File: old.txt", "*** Move to: moved/old.txt", "@@", "-o", "+O"),
    ("*** Add File: keep.txt", "+overwritten"),
]
BAD_HUNKS = [
    ("*** Update File: edit.txt", "@@", "-no such line", "+x"),
    ("*** Delete File: missing.txt",),
    ("*** Update File: missing.txt", "@@", "-x", "+y"),
    ("*** Add File: ../escape.txt", "+x"),
]


def make_workspace(root: Path) -> None:
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text)


@pytest.mark.parametrize("bad", BAD_HUNKS, ids=lambda hunk: hunk[0])
@pytest.mark.parametrize("position", range(len(GOOD_HUNKS) + 1))
def test_a_failing_hunk_anywhere_leaves_every_file_untouched(
    tmp_path: Path, position: int, bad: tuple[str, ...]
) -> None:
    make_workspace(tmp_path / "root")
    before = snapshot(tmp_path)
    hunks = [*GOOD_HUNKS[:position], bad, *GOOD_HUNKS[position:]]
    with pytest.raises(PatchError):
        apply_patch(wrap(*(line for hunk in hunks for line in hunk)), tmp_path / "root")
    assert snapshot(tmp_path) == before


class FailingOps(FileOps):
    """Real filesystem steps, except that step number ``fail_at`` (and, if ``keep_failing``,
    every later one) raises like a full disk."""

    def __init__(
        self,
        fail_at: int | None = None,
        *,
        keep_failing: bool = False,
        error: BaseException | None = None,
    ) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.keep_failing = keep_failing
        self.error = error or OSError(28, "No space left on device", "injected")

    def _step(self) -> None:
        self.calls += 1
        if self.fail_at is not None and (
            self.calls == self.fail_at or (self.keep_failing and self.calls > self.fail_at)
        ):
            raise self.error

    def make_dirs(self, directory: Path) -> list[Path]:
        self._step()
        return super().make_dirs(directory)

    def write_temp(self, path: Path, data: bytes, mode: int | None) -> Path:
        self._step()
        return super().write_temp(path, data, mode)

    def replace(self, source: Path, destination: Path) -> None:
        self._step()
        super().replace(source, destination)

    def unlink(self, path: Path) -> None:
        self._step()
        super().unlink(path)


ALL_GOOD = wrap(*(line for hunk in GOOD_HUNKS for line in hunk))


def count_commit_steps(root: Path) -> int:
    counter = FailingOps()
    apply_patch(ALL_GOOD, root, ops=counter)
    return counter.calls


def test_an_io_failure_at_every_commit_step_is_rolled_back(tmp_path: Path) -> None:
    make_workspace(tmp_path / "probe")
    steps = count_commit_steps(tmp_path / "probe")
    assert steps >= 2 * len(GOOD_HUNKS)
    for fail_at in range(1, steps + 1):
        root = tmp_path / f"root{fail_at}"
        make_workspace(root)
        before = snapshot(root)
        with pytest.raises(PatchError) as caught:
            apply_patch(ALL_GOOD, root, ops=FailingOps(fail_at))
        assert "No space left on device" in caught.value.message
        assert caught.value.hint.startswith("no file was changed")
        assert snapshot(root) == before, f"step {fail_at} was not rolled back"


def test_an_interrupt_mid_commit_is_rolled_back_and_propagates(tmp_path: Path) -> None:
    make_workspace(tmp_path / "probe")
    steps = count_commit_steps(tmp_path / "probe")
    make_workspace(tmp_path / "root")
    before = snapshot(tmp_path / "root")
    with pytest.raises(KeyboardInterrupt):
        apply_patch(
            ALL_GOOD, tmp_path / "root", ops=FailingOps(steps - 1, error=KeyboardInterrupt())
        )
    assert snapshot(tmp_path / "root") == before


def test_a_failed_rollback_is_reported(tmp_path: Path) -> None:
    make_workspace(tmp_path / "probe")
    steps = count_commit_steps(tmp_path / "probe")
    make_workspace(tmp_path / "root")
    with pytest.raises(PatchError) as caught:
        apply_patch(ALL_GOOD, tmp_path / "root", ops=FailingOps(steps, keep_failing=True))
    assert "could not restore" in caught.value.message
    assert "intermediate state" in caught.value.hint


VALID_PATCH = wrap(
    "*** Add File: added.txt",
    "+hello",
    "*** Update File: edit.txt",
    "*** Move to: moved.txt",
    "@@ one",
    "-two",
    "+TWO",
    "*** End of File",
    "*** Delete File: gone.txt",
    "*** Update File: keep.txt",
    " k",
    "+more",
)
MARKERS = ["*** ", "@@", "@@ ", "+", "-", " ", "", "\t", "../", "/", "*** End of File", "\x00", "é"]


@st.composite
def mutated_patches(draw: st.DrawFn) -> str:
    """A valid patch with a few random line-level or character-level edits."""
    lines = VALID_PATCH.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "prefix", "replace", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "prefix":
            lines[index] = draw(st.sampled_from(MARKERS)) + lines[index][1:]
        elif action == "replace":
            lines[index] = draw(st.text(max_size=20))
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, database=None)
@given(st.one_of(mutated_patches(), st.text(max_size=200)))
def test_fuzzed_patches_raise_only_patch_errors_and_change_nothing_on_failure(text: str) -> None:
    with tempfile.TemporaryDirectory() as top:
        make_workspace(Path(top) / "root")
        (Path(top) / "outside.txt").write_text("outside\n")
        before = snapshot(Path(top))
        try:
            apply_patch(text, Path(top) / "root")
        except PatchError as error:
            assert error.message
            assert snapshot(Path(top)) == before
        else:
            after = snapshot(Path(top))
            assert after["outside.txt"] == before["outside.txt"]
            assert not [name for name in after if name.endswith(".apply_patch.tmp")]
