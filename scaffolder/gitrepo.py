"""The few git operations scaffolder needs, each failing with a message the user can act on.

An update is staged (:func:`staged`): Copier runs in a throwaway worktree of the project's
repository at HEAD, and only a finished result is copied into the user's tree
(:func:`apply_stage`), undone on any failure or Ctrl-C. The user's working tree, index and HEAD
are never half-updated.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import FrameType

from scaffolder.errors import DISK_FULL_WORDS, GitError, ScaffolderError, disk_full

FIRST_COMMIT_MESSAGE = "Initial commit from scaffold new"
# scaffolder's own commits (the first one, uv.lock after --setup) need none of the user's
# signing, line-ending or hook policy: a gpg key that cannot sign, or core.safecrlf refusing
# LF files under core.autocrlf, must not break scaffold new. The files go in as rendered.
OWN_COMMIT_CONFIG = [
    "-c",
    "commit.gpgSign=false",
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.safecrlf=false",
    "-c",
    f"core.hooksPath={os.devnull}",
]
NO_HOOKS = ["-c", f"core.hooksPath={os.devnull}"]
_NULL_SHA = "0" * 40


def require_git() -> str:
    """The path of the git executable, or a :class:`GitError` saying how to get one."""
    git = shutil.which("git")
    if git is None:
        raise GitError("git was not found on PATH; install git (https://git-scm.com) and retry")
    return git


def run(
    args: list[str],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``cwd``; a failure becomes a :class:`GitError` quoting git."""
    result = subprocess.run(
        [require_git(), *args],
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        last = detail[-1] if detail else "no output"
        if any(words in last for words in DISK_FULL_WORDS):
            raise disk_full(next(w for w in DISK_FULL_WORDS if w in last))
        command = next((a for a in args if not a.startswith("-") and "=" not in a), args[0])
        raise GitError(f"git {command} failed in {cwd}: {last}", said=last)
    return result


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree containing ``path``, or None outside a repository."""
    result = run(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def uncommitted(path: Path, *pathspec: str) -> list[str]:
    """Paths with uncommitted changes or untracked, as ``git status`` lists them.

    ``pathspec`` (relative to ``path``) limits the answer to those files.
    """
    command = ["status", "--porcelain", "-z", "--no-renames", "--untracked-files=normal"]
    entries = run([*command, "--", *pathspec], path).stdout.split("\0")
    return [entry[3:] for entry in entries if entry.strip()]


def has_commits(path: Path) -> bool:
    return run(["rev-parse", "--verify", "--quiet", "HEAD"], path, check=False).returncode == 0


def init_and_commit(path: Path, *, author_name: str, author_email: str) -> None:
    """``git init`` on branch main and commit everything, as the user (or the answers' author)."""
    run(["init", "--quiet", "--initial-branch=main"], path)
    commit(path, FIRST_COMMIT_MESSAGE, author_name=author_name, author_email=author_email)


def commit(path: Path, message: str, *, author_name: str, author_email: str) -> None:
    """Commit every change in ``path``, as the user (or, lacking a git identity, the author)."""
    run([*OWN_COMMIT_CONFIG, "add", "--all"], path)
    identity = []
    if not run(["config", "user.email"], path, check=False).stdout.strip():
        # A fresh machine has no git identity; the project's author is the honest fallback.
        identity = ["-c", f"user.name={author_name}", "-c", f"user.email={author_email}"]
    run([*OWN_COMMIT_CONFIG, *identity, "commit", "--quiet", "--no-verify", "-m", message], path)


def conflicted_files(path: Path) -> list[str]:
    """Files git reports as unmerged (after an update with inline conflicts)."""
    out = run(["diff", "--name-only", "-z", "--diff-filter=U"], path).stdout
    return sorted({name for name in out.split("\0") if name})


def untracked_files(path: Path, pattern: str) -> list[str]:
    out = run(["ls-files", "-z", "--others", "--exclude-standard", "--", pattern], path).stdout
    return sorted(name for name in out.split("\0") if name)


# Conflict markers as git and Copier write them: seven signs at the start of a line, then a
# space (and a label) or the line's end. A file holding both an opening and a closing marker
# still holds a conflict.
_OPENING_MARKER = "^<<<<<<<( |$)"
_CLOSING_MARKER = "^>>>>>>>( |$)"


def unresolved_conflicts(path: Path) -> list[str]:
    """Files below ``path`` that still hold a conflict, relative to it.

    A file holds one when the index has it unmerged, when it is a ``.rej`` file (tracked or
    not, unless ignored), or when it holds both an opening ``<<<<<<<`` and a closing
    ``>>>>>>>`` marker line (tracked or untracked text files, unless ignored). The rule needs
    no memory of the last update: it holds after ``git add``, a commit made with
    ``--no-verify``, or a fresh clone. It is the rule of the generated projects' own
    merge-conflict pre-commit hook.
    """
    unmerged = run(["ls-files", "-z", "--unmerged", "--", "."], path).stdout.split("\0")
    found = {entry.split("\t", 1)[1] for entry in unmerged if "\t" in entry}
    rejects = ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.rej"]
    found.update(name for name in run(rejects, path).stdout.split("\0") if name)
    grep = run(
        ["grep", "-z", "-l", "-I", "--untracked", "-E", "--all-match",
         "-e", _OPENING_MARKER, "-e", _CLOSING_MARKER, "--", "."],
        path,
        check=False,
    )  # fmt: skip
    if grep.returncode > 1:  # 1: no file matched
        raise GitError(f"git grep failed in {path}: {grep.stderr.strip() or 'no output'}")
    found.update(name for name in grep.stdout.split("\0") if name)
    return sorted(found)


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
    """Check HEAD out into ``tree`` as a detached worktree, without running the user's hooks."""
    run([*NO_HOOKS, "worktree", "add", "--detach", "--quiet", str(tree), "HEAD"], top)


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
