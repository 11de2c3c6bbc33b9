"""Where a project stands against its template, what an update did, and the checks every
update of any kind of project makes before it touches anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import Version

from scaffolder import gitrepo
from scaffolder.errors import (
    GitError,
    ScaffolderError,
    UnresolvedConflictsError,
    VerifyFailedError,
)

ROLE_CHECK = "make check"  # a role's own check: format, lint, types, tests
CHECK_TAIL_LINES = 20


@dataclass(frozen=True)
class Status:
    """Where a project stands against the installed templates."""

    project: Path
    current: Version | str  # a role's template version, or a third-party template's ref
    latest: Version | str
    up_to_date: bool
    notes: list[str] = field(default_factory=list)  # warnings for the user (a stale cache)


@dataclass(frozen=True)
class Updated:
    """What ``update`` did."""

    project: Path
    from_version: Version | str  # a role's template version, or a third-party template's ref
    to_version: Version | str
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    pretend: bool = False
    new_answers: dict[str, Any] = field(default_factory=dict)  # only those that differ
    # pyproject.toml changed: the lock and the environment must follow (``make setup``).
    dependencies_changed: bool = False
    notes: list[str] = field(default_factory=list)  # warnings for the user (a stale cache)

    @property
    def up_to_date(self) -> bool:
        return self.from_version == self.to_version and not self.new_answers


def shown_path(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def check_resolved(project: Path) -> None:
    """Refuse to call a project up to date, or update it, while the last update's conflicts wait."""
    if gitrepo.toplevel(project) is None:
        return  # never updated: an update needs git
    pending = gitrepo.unresolved_conflicts(project)
    if pending:
        count = len(pending)
        raise UnresolvedConflictsError(
            f"the last update left {count} unresolved conflict{'s' if count > 1 else ''} in "
            f"{project}: {shown_path(pending)}; resolve the markers (and delete any .rej file), "
            "then commit"
        )


def check_repository(project: Path) -> None:
    top = gitrepo.toplevel(project)
    if top is None:
        raise GitError(
            f"{project} is not in a git repository; update merges through git history: "
            "run git init, git add -A and git commit first"
        )
    if not gitrepo.has_commits(project):
        raise GitError(f"{project} has no commits yet; commit your work, then update")
    pending = gitrepo.uncommitted(project)
    if pending:
        raise GitError(
            f"{project} has uncommitted changes ({shown_path(pending)}); commit or stash them, "
            "then run scaffold update"
        )


def chosen_check(
    project: Path, *, verify: bool | None, command: str | None, default: str | None
) -> str | None:
    """The check an update runs before it lands, or None.

    ``--verify-command`` names it; ``--verify``/``--no-verify`` turn it on or off; otherwise the
    project's own setting decides (``[tool.scaffolder] verify`` in pyproject.toml: true, or the
    command). ``default`` is the check of a role's project (``make check``).
    """
    if verify is False:
        return None
    if command:
        return command
    setting = _verify_setting(project)
    if verify is None and not setting:
        return None
    if isinstance(setting, str):
        return setting
    if default:
        return default
    raise ScaffolderError(
        "--verify needs the project's check: pass --verify-command COMMAND, or keep it in "
        'pyproject.toml as [tool.scaffolder] verify = "COMMAND"'
    )


def _verify_setting(project: Path) -> bool | str:
    path = project / "pyproject.toml"
    if not path.is_file():
        return False
    try:
        setting = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False  # the project's own tools report a broken pyproject.toml
    value = setting.get("scaffolder", {}).get("verify", False)
    if not isinstance(value, bool | str):
        raise ScaffolderError(
            f"{path}: [tool.scaffolder] verify must be true, false or a command, not {value!r}"
        )
    return value


def verify_staged(tree: Path, prefix: str, command: str, versions: tuple[Any, Any]) -> None:
    """Run ``command`` on a copy of the staged work tree ``tree`` (in the project's folder at
    ``prefix``), so nothing the check writes can reach the user's tree; a failure is a
    :class:`VerifyFailedError` carrying the check's last lines."""
    with tempfile.TemporaryDirectory(prefix="scaffold-verify-") as scratch:
        copy = Path(scratch) / "tree"
        shutil.copytree(tree, copy, symlinks=True)
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}  # the project's own
        result = subprocess.run(
            command, shell=True, cwd=copy / prefix, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
            check=False,
        )  # fmt: skip
    if result.returncode != 0:
        raise VerifyFailedError(
            f"the update to template {versions[1]} fails the project's check (exit status "
            f"{result.returncode}; its last lines are above); nothing was changed, the project "
            f"stays at {versions[0]}: fix what the check says after updating without --verify, "
            "or stay where you are",
            details=result.stdout.rstrip().splitlines()[-CHECK_TAIL_LINES:],
        )
