"""The few git operations scaffolder needs, each failing with a message the user can act on."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from scaffolder.errors import GitError

FIRST_COMMIT_MESSAGE = "Initial commit from scaffold new"


def require_git() -> str:
    """The path of the git executable, or a :class:`GitError` saying how to get one."""
    git = shutil.which("git")
    if git is None:
        raise GitError("git was not found on PATH; install git (https://git-scm.com) and retry")
    return git


def run(
    args: list[str], cwd: Path, *, env: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``cwd``; a failure becomes a :class:`GitError` quoting git."""
    result = subprocess.run(
        [require_git(), *args],
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed in {cwd}: {detail[-1] if detail else 'no output'}")
    return result


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree containing ``path``, or None outside a repository."""
    result = run(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def is_dirty(path: Path) -> bool:
    """True when the work tree has uncommitted changes or untracked files."""
    return bool(uncommitted(path))


def uncommitted(path: Path, *pathspec: str) -> list[str]:
    """Paths with uncommitted changes or untracked, as ``git status`` lists them.

    ``pathspec`` (relative to ``path``) limits the answer to those files.
    """
    command = ["status", "--porcelain", "--untracked-files=normal", "--", *pathspec]
    lines = run(command, path).stdout.splitlines()
    return [line[3:] for line in lines if line.strip()]


def has_commits(path: Path) -> bool:
    return run(["rev-parse", "--verify", "--quiet", "HEAD"], path, check=False).returncode == 0


def init_and_commit(path: Path, *, author_name: str, author_email: str) -> None:
    """``git init`` on branch main and commit everything, as the user (or the answers' author)."""
    run(["init", "--quiet", "--initial-branch=main"], path)
    commit(path, FIRST_COMMIT_MESSAGE, author_name=author_name, author_email=author_email)


def commit(path: Path, message: str, *, author_name: str, author_email: str) -> None:
    """Commit every change in ``path``, as the user (or, lacking a git identity, the author)."""
    run(["add", "--all"], path)
    identity = []
    if not run(["config", "user.email"], path, check=False).stdout.strip():
        # A fresh machine has no git identity; the project's author is the honest fallback.
        identity = ["-c", f"user.name={author_name}", "-c", f"user.email={author_email}"]
    run([*identity, "commit", "--quiet", "--no-verify", "-m", message], path)


def conflicted_files(path: Path) -> list[str]:
    """Files git reports as unmerged (after an update with inline conflicts)."""
    out = run(["diff", "--name-only", "--diff-filter=U"], path).stdout
    return sorted(set(out.split()))


def untracked_files(path: Path, pattern: str) -> list[str]:
    out = run(["ls-files", "--others", "--exclude-standard", "--", pattern], path).stdout
    return sorted(out.split())
