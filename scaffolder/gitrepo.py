"""The few plain git operations scaffolder needs, each failing with a message the user can act
on. (Staging an update in a worktree and applying it is :mod:`scaffolder.transaction`'s.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from scaffolder.errors import DISK_FULL_WORDS, GitError, disk_full

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
