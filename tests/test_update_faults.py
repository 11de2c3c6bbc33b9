"""Tier 4: an update is all or nothing. Each of its steps is made to fail (an error, Ctrl-C, a
full disk), and the project must be exactly as before: work tree, index, HEAD, the record of its
template (a role's answers file, a third-party template's record), ignored files, and no
worktree or backup left behind in its repository. Both kinds of project go through every step."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from scaffolder import merge, thirdparty, transaction
from scaffolder.engines import copier_engine
from scaffolder.errors import EXIT_CONFLICTS, EXIT_INTERNAL, EXIT_INTERRUPTED
from scaffolder.generate import generate
from scaffolder.records import RECORD_FILE
from scaffolder.store import TemplateStore
from tests.conftest import Cli
from tests.history import (
    GITIGNORE_LINE,
    MAKEFILE_TARGET,
    NEW_FILE,
    ROLE,
    History,
    build_history,
    git,
)
from tests.thirdparty_templates import make_template

ANSWERS = ".copier-answers.yml"
IGNORED_FILE = ".env"  # ignored by every version's .gitignore: the update must never touch it
DISK_FULL = (
    "error: the disk is full (No space left on device{where}); free some space and run the "
    "command again (nothing was left behind)\n"
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def pristine(history: History, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project at 0.1.0 whose update to 0.3.0 changes, adds and conflicts (README.md)."""
    project = tmp_path_factory.mktemp("pristine") / "loan-study"
    generate(project, role=ROLE, data={"project_name": "Loan Study"}, store=history.v1)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("MIT; see [LICENSE](LICENSE).", "Mine, MIT."))
    git(project, "commit", "--quiet", "--all", "-m", "My licence line")
    (project / IGNORED_FILE).write_text("SECRET=kept\n")
    return project


@pytest.fixture(scope="module")
def pristine_thirdparty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made from a third-party Copier template at v1.0, whose update to v2.0 changes,
    adds, removes and conflicts (README.md)."""
    root = tmp_path_factory.mktemp("thirdparty")
    template = make_template(root, "copier")
    project = root / "demo"
    thirdparty.new_from_template(project, template=str(template), vcs_ref="v1.0")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line c", "line c, mine"))
    (project / ".gitignore").write_text(f"{IGNORED_FILE}\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "My line c")
    (project / IGNORED_FILE).write_text("SECRET=kept\n")
    return project


KINDS = ["role", "third-party"]
RECORD = {"role": ANSWERS, "third-party": RECORD_FILE}


@pytest.fixture
def kind() -> str:
    return "role"


@pytest.fixture
def project(
    kind: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A fresh copy of the pristine project of ``kind``; temporary files go to a folder of the
    test's own."""
    pristine: Path = request.getfixturevalue(
        "pristine" if kind == "role" else "pristine_thirdparty"
    )
    copy = tmp_path / pristine.name
    shutil.copytree(pristine, copy, symlinks=True)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return copy


@pytest.fixture
def latest(history: History, monkeypatch: pytest.MonkeyPatch) -> History:
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    return history


def snapshot(project: Path, record: str = ANSWERS) -> dict[str, Any]:
    """Everything an update could change, byte for byte."""
    files: dict[str, Any] = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if relative == ".git" or relative.startswith(".git/"):
            continue
        if path.is_symlink():
            files[relative] = ("link", str(path.readlink()))
        elif path.is_file():
            files[relative] = path.read_bytes()
        else:
            files[relative] = "folder"
    return {
        "status": git(project, "status", "--porcelain", "--ignored", "--untracked-files=all"),
        "tree": git(project, "write-tree"),
        "index": git(project, "ls-files", "--stage"),
        "head": git(project, "rev-parse", "HEAD"),
        "record": (project / record).read_bytes(),
        "files": files,
        "worktrees": git(project, "worktree", "list", "--porcelain"),
        "git folder": sorted(p.name for p in (project / ".git").iterdir()),
    }


def fail_before(exc: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


def fail_after(real: Callable[..., Any], exc: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise exc

    return fail


def fail_on_call(
    real: Callable[..., Any], exc: BaseException, when: Callable[[Path, Path], bool]
) -> Callable[..., Any]:
    def fail(source: Path, target: Path) -> Any:
        if when(source, target):
            raise exc
        return real(source, target)

    return fail


OUTCOMES: dict[str, tuple[Callable[[], BaseException], int, str]] = {
    "ctrl-c": (KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted: nothing was left half-written\n"),
    "disk full": (
        lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
        1,
        DISK_FULL.format(where=""),
    ),
    "a bug": (lambda: RuntimeError("a bug"), EXIT_INTERNAL, "internal error: RuntimeError: a bug"),
}
# Each step of an update, and how it is broken: (module, attribute, when), by kind of project.
SHARED_STEPS: dict[str, tuple[Any, str, str]] = {
    "staging the worktree": (transaction, "add_worktree", "before"),
    "merging, before it starts": (merge, "merge_renders", "before"),
    "merging, after it merged": (merge, "merge_renders", "after"),
    "collecting the changes": (transaction, "staged_changes", "after"),
    "copying the first file": (transaction, "_place", "first"),
    "writing the record": (transaction, "_place", "record"),
    "every file copied, the index not yet": (transaction, "_transfer_index", "before"),
    "writing the index": (transaction, "_transfer_index", "after"),
    "refreshing the index": (transaction, "refresh_index", "after"),
}
STEPS: dict[str, dict[str, tuple[Any, str, str]]] = {
    "role": {
        "rendering the templates": (copier_engine, "render_bundled", "after"),
        **SHARED_STEPS,
    },
    "third-party": {
        "rendering the template": (copier_engine.CopierEngine, "render", "after"),
        **SHARED_STEPS,
    },
}
CASES = [
    (kind, step, outcome)
    for kind in KINDS
    for step in STEPS[kind]
    for outcome in ("ctrl-c", "disk full")
] + [
    (kind, step, "a bug")
    for kind in KINDS
    for step in ("merging, after it merged", "writing the record")
]


def broken(kind: str, step: str, exc: BaseException) -> Callable[..., Any]:
    module, name, when = STEPS[kind][step]
    real = getattr(module, name)
    if when == "before":
        return fail_before(exc)
    if when == "after":
        return fail_after(real, exc)
    copied: list[Path] = []

    def due(source: Path, target: Path) -> bool:
        copied.append(target)
        return len(copied) == 1 if when == "first" else target.name == RECORD[kind]

    return fail_on_call(real, exc, due)


def leftovers() -> list[str]:
    """Temporary files and folders left behind (a crash log is meant to stay)."""
    names = [p.name for p in Path(tempfile.gettempdir()).iterdir()]
    return [name for name in names if not name.startswith("scaffold-crash-")]


@pytest.mark.parametrize(("kind", "step", "outcome"), CASES)
def test_a_failure_at_any_step_leaves_the_project_as_it_was(
    project: Path,
    latest: History,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    step: str,
    outcome: str,
) -> None:
    make, code, message = OUTCOMES[outcome]
    before = snapshot(project, RECORD[kind])
    module, name, _ = STEPS[kind][step]
    monkeypatch.setattr(module, name, broken(kind, step, make()))
    result = cli("update", str(project))
    assert (result.code, result.out) == (code, "")
    assert result.err.startswith(message), result.err
    assert result.err.count("\n") == 1
    assert snapshot(project, RECORD[kind]) == before
    assert leftovers() == []


def test_after_a_failed_update_the_next_one_works(
    project: Path, latest: History, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(transaction, "_transfer_index", fail_before(KeyboardInterrupt()))
        assert cli("update", str(project)).code == EXIT_INTERRUPTED
    result = cli("update", str(project))
    assert result.code == 3, result.err
    assert result.out.endswith("conflict: README.md\n")
    assert git(project, "diff", "--name-only", "--diff-filter=U") == "README.md\n"
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert (project / NEW_FILE).is_file()
    assert GITIGNORE_LINE in (project / ".gitignore").read_text().splitlines()
    assert "_commit: 0.3.0" in (project / ANSWERS).read_text()
    assert (project / IGNORED_FILE).read_text() == "SECRET=kept\n"
    assert git(project, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert leftovers() == []


@contextmanager
def sigint_handled_by(handler: Any) -> Iterator[None]:
    """SIGINT handled by ``handler`` inside the block, whatever it was before."""
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def terminal_ctrl_c() -> Iterator[None]:
    """Python's own SIGINT handler for one test, whatever the runner inherited.

    A shell starts a background job with SIGINT ignored, and Python then leaves it ignored.
    """
    with sigint_handled_by(signal.default_int_handler):
        yield


@pytest.fixture
def ctrl_c_at_the_second_copy(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The update's file copy sends this process SIGINT as it places its second file; returns
    the files placed, as they are placed."""
    real = transaction._place
    copied: list[Path] = []

    def place_then_press_ctrl_c(source: Path, target: Path) -> None:
        copied.append(target)
        if len(copied) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        real(source, target)

    monkeypatch.setattr(transaction, "_place", place_then_press_ctrl_c)
    return copied


@pytest.mark.usefixtures("terminal_ctrl_c")
def test_a_real_ctrl_c_while_files_are_copied_is_held_back_then_undoes_them(
    project: Path, latest: History, cli: Cli, ctrl_c_at_the_second_copy: list[Path]
) -> None:
    """SIGINT itself, not a raised KeyboardInterrupt: the copy finishes, then is undone."""
    before = snapshot(project)
    result = cli("update", str(project))
    assert (result.code, result.err) == (
        EXIT_INTERRUPTED,
        "interrupted: nothing was left half-written\n",
    )
    assert len(ctrl_c_at_the_second_copy) > 2  # the copy went on after Ctrl-C, then was undone
    assert snapshot(project) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_ctrl_c_stays_ignored_and_the_update_lands(
    project: Path, latest: History, cli: Cli, ctrl_c_at_the_second_copy: list[Path]
) -> None:
    """Started as a background job (SIGINT ignored), the update neither stops nor re-arms it."""
    with sigint_handled_by(signal.SIG_IGN):
        result = cli("update", str(project))
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert result.code == EXIT_CONFLICTS, result.err  # the update landed, README conflicted
    assert len(ctrl_c_at_the_second_copy) > 2
    assert "_commit: 0.3.0" in (project / ANSWERS).read_text()


# Copier leaves its folder-walking generator open when a write fails; Python reports it later.
COPIER_SCANDIR_LEAK = (
    "ignore:Exception ignored in. <posix.ScandirIterator:pytest.PytestUnraisableExceptionWarning"
)


@pytest.mark.filterwarnings(COPIER_SCANDIR_LEAK)
def test_a_disk_that_fills_up_while_copier_writes(
    project: Path, latest: History, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    real = Path.write_bytes
    written: list[Path] = []

    def write_until_full(self: Path, data: Any) -> int:
        written.append(self)
        if len(written) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_until_full)
    result = cli("update", str(project))
    assert (result.code, result.out) == (1, "")
    assert result.err == DISK_FULL.format(where=f": {written[5]}")
    assert len(written) == 6  # nothing written after the disk was full
    assert snapshot(project) == before
    assert leftovers() == []


@pytest.mark.filterwarnings(COPIER_SCANDIR_LEAK)
def test_a_file_the_user_made_a_folder_is_named_and_nothing_changes(
    project: Path, latest: History, cli: Cli
) -> None:
    """The hostile case of issue 17, end to end through the release history: .gitignore, which
    0.3.0 changes, is a folder in the project. Copier would stop half-way (AssertionError)."""
    (project / ".gitignore").unlink()
    (project / ".gitignore").mkdir()
    (project / ".gitignore" / "notes.txt").write_text("my notes\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "A folder of notes")
    before = snapshot(project)
    result = cli("update", str(project))
    assert (result.code, result.out, result.err) == (
        1,
        "",
        "error: the template has a file .gitignore where your project has a folder; rename "
        "yours (git mv .gitignore NEW-NAME), commit, and run scaffold update again\n",
    )
    assert snapshot(project) == before
    assert cli("update", str(project)).err == result.err  # the same again: not "dirty"
    git(project, "mv", ".gitignore", "gitignore-notes")
    git(project, "commit", "--quiet", "-m", "Notes renamed")
    done = cli("update", str(project))
    assert done.code == 3  # the README conflict of the pristine project
    assert "_commit: 0.3.0" in (project / ANSWERS).read_text()
    assert not (project / ".gitignore").exists()  # the user deleted the file: it stays deleted
    assert (project / "gitignore-notes" / "notes.txt").read_text() == "my notes\n"


def test_an_ignored_file_the_update_would_overwrite_is_refused(
    project: Path, latest: History, cli: Cli
) -> None:
    """0.2.0 adds CONTRIBUTING.md; here the user keeps an untracked one, ignored by git."""
    with (project / ".gitignore").open("a") as gitignore:
        gitignore.write(f"{NEW_FILE}\n")
    git(project, "commit", "--quiet", "--all", "-m", "My contributing notes stay local")
    (project / NEW_FILE).write_text("my own notes\n")
    before = snapshot(project)
    result = cli("update", str(project))
    assert (result.code, result.out, result.err) == (
        1,
        "",
        f"error: the update would overwrite {NEW_FILE} in {project}, which git does not track "
        "(ignored files); move them out of the project, then run scaffold update again\n",
    )
    assert snapshot(project) == before
