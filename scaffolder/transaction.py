"""Every change scaffolder makes to the user's disk is a transaction: built aside, then put in
place all or nothing, Ctrl-C included.

* ``scaffold new`` builds the whole project (git commit included) in a staging folder beside the
  destination (:func:`new_project`); the last step is one rename, and a failure or Ctrl-C at any
  point removes the staging folder and any parent folder it made.
* ``scaffold update`` merges in a throwaway git worktree of the project's repository at HEAD
  (:func:`staged`); only the finished result is copied into the user's tree (:func:`apply`),
  undone on any failure or Ctrl-C. The user's working tree, index and HEAD are never
  half-updated.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import FrameType

from scaffolder.errors import DestinationError, GitError, ScaffolderError
from scaffolder.gitrepo import NO_HOOKS, run, toplevel
from scaffolder.project_state import shown_path

STAGING_PREFIX = ".scaffold-new-"
_NULL_SHA = "0" * 40


@dataclass
class NewProject:
    """Where a new project is built: ``project`` is inside ``folder`` (a template may render
    into a subfolder of it; the caller points ``project`` there)."""

    folder: Path
    project: Path
    beside: set[Path] = field(default_factory=set)  # what was beside the destination before


@contextmanager
def new_project(dest: Path) -> Iterator[NewProject]:
    """A private folder beside ``dest`` to build a new project in, moved into place when the
    block ends; on any failure or Ctrl-C it and every parent folder it made are removed."""
    created = make_parents(dest.parent)
    beside = set(dest.parent.iterdir())
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=dest.parent))
    stage = NewProject(folder=folder, project=folder, beside=beside)
    try:
        yield stage
        move_into_place(stage.project, dest)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        for parent in created:
            shutil.rmtree(parent, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)  # what a render left beside its project


def move_into_place(staging: Path, dest: Path) -> None:
    """Make the staged project the destination, with the permissions a new folder would get."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp made it private (0700)
    if dest.is_dir():
        # An existing empty folder may be someone's working directory: fill it, keep its inode.
        if any(dest.iterdir()):  # filled since the caller checked it: never overwrite a file
            raise DestinationError(
                f"{dest} is no longer empty; nothing was written there, choose a new folder"
            )
        moved: list[Path] = []
        try:
            for entry in staging.iterdir():
                entry.rename(dest / entry.name)
                moved.append(dest / entry.name)
        except BaseException:
            for path in moved:  # the folder was empty: empty it again
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            raise
        staging.rmdir()
    else:
        staging.rename(dest)


def make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return the top-most one created (for cleanup)."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[-1:]


@dataclass(frozen=True)
class Stage:
    """A throwaway worktree of a project's repository at HEAD, where an update is made."""

    top: Path  # the user's work tree (its root)
    tree: Path  # the staged work tree (its root)
    prefix: str  # the project's folder inside either, "" at the root ("sub/dir/" otherwise)

    @property
    def project(self) -> Path:
        return self.tree / self.prefix if self.prefix else self.tree


@contextmanager
def staged(project: Path) -> Iterator[Stage]:
    """A :class:`Stage` of ``project``'s repository, removed again whatever happens."""
    top = toplevel(project)
    if top is None:
        raise GitError(f"{project} is not in a git repository")
    prefix = run(["rev-parse", "--show-prefix"], project).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="scaffold-update-"))
    tree = folder / "tree"
    try:
        add_worktree(top, tree)
        yield Stage(top=top, tree=tree, prefix=prefix)
    finally:
        remove_worktree(top, tree)
        shutil.rmtree(folder, ignore_errors=True)


def add_worktree(top: Path, tree: Path) -> None:
    """Check HEAD out into ``tree`` as a detached worktree, without running the user's hooks.

    The files come out as committed (no core.autocrlf conversion): the merge compares them
    byte for byte with the renders, whose lines end as the template's do.
    """
    checkout = [*NO_HOOKS, "-c", "core.autocrlf=false", "worktree", "add", "--detach", "--quiet"]
    run([*checkout, str(tree), "HEAD"], top)


def remove_worktree(top: Path, tree: Path) -> None:
    """Remove the stage and git's record of it; a failure here never masks the real outcome."""
    with suppress(ScaffolderError, OSError):
        run(["worktree", "remove", "--force", "--force", str(tree)], top, check=False)
    shutil.rmtree(tree, ignore_errors=True)
    with suppress(ScaffolderError, OSError):
        run(["worktree", "prune"], top, check=False)


@dataclass(frozen=True)
class Change:
    """One path the update changed, relative to the work tree's root: written or deleted."""

    path: str
    deleted: bool


def staged_changes(stage: Stage) -> list[Change]:
    """Every path the stage's files differ from HEAD in: changed, added (ignored ones too), gone.

    Found by adding the whole stage to a scratch index and comparing it with HEAD, so a file
    Copier wrote where the project's .gitignore ignores it is not overlooked.
    """
    with tempfile.TemporaryDirectory(prefix="scaffold-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run(["read-tree", "HEAD"], stage.tree, env=env)
        # core.safecrlf only warns or refuses; it must not refuse to look at the result.
        add = ["-c", "core.safecrlf=false", "add", "--all", "--force", "--", "."]
        run(add, stage.tree, env=env)
        out = run(
            ["diff-index", "--cached", "--no-renames", "--name-status", "-z", "HEAD"],
            stage.tree,
            env=env,
        ).stdout
    fields = [field for field in out.split("\0") if field]
    return [
        Change(path=path, deleted=status == "D")
        for status, path in zip(fields[::2], fields[1::2], strict=True)
    ]


def _index_entries(work_tree: Path) -> dict[str, list[str]]:
    """The index of ``work_tree``: path -> its entries ("mode sha stage"), stages in order."""
    out = run(["ls-files", "-z", "--stage", "--", "."], work_tree).stdout
    entries: dict[str, list[str]] = {}
    for entry in out.split("\0"):
        if "\t" in entry:
            info, path = entry.split("\t", 1)
            entries.setdefault(path, []).append(info)
    return entries


def _index_path(work_tree: Path) -> Path:
    return work_tree / run(["rev-parse", "--git-path", "index"], work_tree).stdout.strip()


def _git_dir(work_tree: Path) -> Path:
    return work_tree / run(["rev-parse", "--git-dir"], work_tree).stdout.strip()


def refused_paths(stage: Stage, changes: list[Change]) -> list[str]:
    """Paths the update would write or delete over something of the user's that git lacks.

    The user's tree was clean, so anything there that HEAD does not hold is ignored by git:
    a local settings file, a data folder. The update must not overwrite it.
    """
    tracked = set(_index_entries(stage.top))
    refused = []
    for change in changes:
        target = stage.top / change.path
        if (target.exists() or target.is_symlink()) and change.path not in tracked:
            refused.append(change.path)  # an ignored file or folder where the update writes
            continue
        for parent in PurePosixPath(change.path).parents:
            where = stage.top / parent
            if str(parent) != "." and where.exists() and not where.is_dir():
                if str(parent) not in tracked:
                    refused.append(change.path)
                break
    return refused


def apply(stage: Stage) -> None:
    """Make the user's tree what the stage's is, refusing to overwrite what git does not track."""
    changes = staged_changes(stage)
    refused = refused_paths(stage, changes)
    if refused:
        raise ScaffolderError(
            f"the update would overwrite {shown_path(refused)} in {stage.top}, which git does "
            "not track (ignored files); move them out of the project, then run scaffold update "
            "again"
        )
    apply_stage(stage, changes)


def apply_stage(stage: Stage, changes: list[Change]) -> None:
    """Make the user's tree and index what the stage's are, all or nothing.

    Each file the update replaces or deletes is first moved aside into the repository's git
    folder; on any failure, or Ctrl-C (held back until this step is done or undone), the new
    files are removed, the moved ones put back and the index file restored byte for byte.
    """
    index = _index_path(stage.top)
    saved_index = index.read_bytes()
    backup = Path(tempfile.mkdtemp(prefix="scaffold-update-backup-", dir=_git_dir(stage.top)))
    moved: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    made: list[Path] = []
    with _ctrl_c_held() as pressed:
        try:
            # Deletions first: a file may become a folder, or a folder a file.
            for change in sorted(changes, key=lambda c: (not c.deleted, c.path)):
                target = stage.top / change.path
                if target.exists() or target.is_symlink():
                    aside = backup / change.path
                    _make_folders(aside.parent, [])
                    shutil.move(target, aside)
                    moved.append((target, aside))
                    if change.deleted:
                        _remove_empty_folders(target.parent, stage.top)
                if not change.deleted:
                    _make_folders(target.parent, made)
                    _place(stage.tree / change.path, target)
                    placed.append(target)
            _transfer_index(stage)
            refresh_index(stage.top)
            _raise_if_pressed(pressed)
        except BaseException:
            _undo(stage.top, index, saved_index, moved, placed, made, backup)
            if pressed:
                raise KeyboardInterrupt from None
            raise
    shutil.rmtree(backup, ignore_errors=True)


def _place(source: Path, target: Path) -> None:
    """Copy one file (or symlink) of the stage into the user's tree."""
    if source.is_symlink():
        target.symlink_to(source.readlink())
    else:
        shutil.copy2(source, target)


def _transfer_index(stage: Stage) -> None:
    """Give the user's index the stage's entries wherever they differ (conflict stages too)."""
    theirs, ours = _index_entries(stage.tree), _index_entries(stage.top)
    lines = []
    for path in sorted(set(theirs) | set(ours)):
        if theirs.get(path) == ours.get(path):
            continue
        lines.append(f"0 {_NULL_SHA}\t{path}")  # drop every entry of the path, then add
        for info in theirs.get(path, []):
            mode, sha, number = info.split()
            lines.append(f"{mode} {sha} {number}\t{path}")
    if lines:
        run(["update-index", "-z", "--index-info"], stage.top, stdin="\0".join(lines) + "\0")


def refresh_index(work_tree: Path) -> None:
    """Record the new files' stat data, so git need not re-read them (unmerged ones stay so)."""
    run(["update-index", "-q", "--refresh"], work_tree, check=False)


def _undo(
    top: Path,
    index: Path,
    saved_index: bytes,
    moved: list[tuple[Path, Path]],
    placed: list[Path],
    made: list[Path],
    backup: Path,
) -> None:
    try:
        for target in reversed(placed):
            target.unlink(missing_ok=True)
        for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
            with suppress(OSError):
                folder.rmdir()
        for target, aside in reversed(moved):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(aside, target)
        partial = index.with_name(f"{index.name}.scaffold-restore")
        partial.write_bytes(saved_index)
        partial.replace(index)
        index.with_name(f"{index.name}.lock").unlink(missing_ok=True)
    except BaseException as exc:
        raise ScaffolderError(
            f"the update failed and could not be undone completely ({exc}); your files are "
            f"in {backup} and in git (git checkout -- . restores the committed ones)"
        ) from exc
    shutil.rmtree(backup, ignore_errors=True)


def _make_folders(folder: Path, made: list[Path]) -> None:
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    made.extend(reversed(missing))


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while empty (the update emptied them).

    Undoing needs no record of them: putting a moved file back makes its folders again.
    """
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _raise_if_pressed(pressed: list[int]) -> None:
    if pressed:
        raise KeyboardInterrupt


@contextmanager
def _ctrl_c_held() -> Iterator[list[int]]:
    """Hold SIGINT back while a step must finish or be undone; yields whether it came."""
    # Off the main thread no handler can be set; an ignored SIGINT (a process started in the
    # background by a shell, nohup-style) stays ignored, as whoever started us asked.
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        yield []
        return
    pressed: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
