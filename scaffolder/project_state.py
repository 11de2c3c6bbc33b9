"""Where a project stands against its template, what an update did, and the checks every
update of any kind of project makes before it touches anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import Version

from scaffolder import gitrepo
from scaffolder.errors import GitError, UnresolvedConflictsError


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
