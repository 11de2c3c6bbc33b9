"""``scaffold update`` and ``scaffold check``: preflight checks, then Copier's three-way merge.

Every precondition is checked before anything is touched, so a refused update changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from scaffolder import gitrepo
from scaffolder.answers import ProjectAnswers, read_answers
from scaffolder.answers_input import check_answers, completions
from scaffolder.engine import Conflict
from scaffolder.errors import GitError, InvalidAnswersError, ScaffolderError
from scaffolder.roles import get_role
from scaffolder.store import TemplateStore


@dataclass(frozen=True)
class Status:
    """Where a project stands against the installed templates."""

    project: Path
    current: Version
    latest: Version

    @property
    def up_to_date(self) -> bool:
        return self.current >= self.latest


@dataclass(frozen=True)
class Updated:
    """What ``update`` did."""

    project: Path
    from_version: Version
    to_version: Version
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    pretend: bool = False
    new_answers: dict[str, Any] = field(default_factory=dict)  # only those that differ
    # pyproject.toml changed: the lock and the environment must follow (``make setup``).
    dependencies_changed: bool = False

    @property
    def up_to_date(self) -> bool:
        return self.from_version == self.to_version and not self.new_answers


def status(path: Path, *, store: TemplateStore | None = None) -> Status:
    """Compare ``path``'s recorded template version with the installed one."""
    store = store or TemplateStore.installed()
    project = _project_dir(path)
    answers = read_answers(project)
    return Status(project=project, current=answers.version, latest=Version(store.version))


def update(
    path: Path,
    *,
    to: str | None = None,
    data: Mapping[str, Any] | None = None,
    conflict: Conflict = "inline",
    pretend: bool = False,
    store: TemplateStore | None = None,
) -> Updated:
    """Bring template changes from the project's version up to ``to`` (default: installed).

    ``data`` changes answers on the way (``license=Apache-2.0``, ``container=true``): the
    project is merged as if it had been generated with them, at the same or a newer version.
    """
    store = store or TemplateStore.installed()
    gitrepo.require_git()
    project = _project_dir(path)
    answers = read_answers(project)
    new_answers = _changed_answers(data or {}, answers, store)
    target = _target_version(to, answers, store)
    if target == answers.version and not new_answers:
        return Updated(project=project, from_version=target, to_version=target, pretend=pretend)
    _check_repository(project)

    from scaffolder import engine

    rejects_before = set(gitrepo.untracked_files(project, "*.rej"))
    engine.update(
        store, project, to=str(target), data=new_answers, conflict=conflict, pretend=pretend
    )
    if pretend:
        return Updated(project, answers.version, target, pretend=True, new_answers=new_answers)
    if conflict == "rej":
        conflicts = sorted(set(gitrepo.untracked_files(project, "*.rej")) - rejects_before)
    else:
        conflicts = gitrepo.conflicted_files(project)
    return Updated(
        project,
        answers.version,
        target,
        changed=sorted(gitrepo.uncommitted(project)),
        conflicts=conflicts,
        new_answers=new_answers,
        dependencies_changed=bool(gitrepo.uncommitted(project, "pyproject.toml")),
    )


# Answers an update cannot change: the role picks the whole template, and the package name is
# what the user's own code imports (Copier would render a second package beside it).
FIXED_ANSWERS = {
    "role": "a project's role cannot change; generate a new one with scaffold new --role ROLE",
    "package_name": (
        "the package name cannot change in an update: your own code imports it, and the "
        "template would add a second package beside it; keep the recorded name"
    ),
}


def answer_completions(path: Path, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of ``update --data``: the answers of the project's role it can change."""
    try:
        role: str | None = read_answers(_project_dir(path)).role
    except ScaffolderError:
        role = None  # not (yet) in a generated project: every role's answers
    return completions(role, incomplete, skip=FIXED_ANSWERS)


def _changed_answers(
    data: Mapping[str, Any], answers: ProjectAnswers, store: TemplateStore
) -> dict[str, Any]:
    """The answers in ``data`` that differ from the recorded ones, checked like scaffold new's."""
    for key in data:
        if key in FIXED_ANSWERS and data[key] != answers.answers.get(key):
            raise InvalidAnswersError(f"--data {key}: {FIXED_ANSWERS[key]}")
    checked = check_answers(data, get_role(answers.role, store), store)
    return {k: v for k, v in checked.items() if answers.answers.get(k) != v}


def _project_dir(path: Path) -> Path:
    project = path.expanduser().absolute()
    if not project.is_dir():
        raise ScaffolderError(f"{project} is not a folder; give the path of a generated project")
    return project


def _check_repository(project: Path) -> None:
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
        shown = ", ".join(pending[:3]) + (
            f" and {len(pending) - 3} more" if len(pending) > 3 else ""
        )
        raise GitError(
            f"{project} has uncommitted changes ({shown}); commit or stash them, "
            "then run scaffold update"
        )


def _target_version(to: str | None, answers: ProjectAnswers, store: TemplateStore) -> Version:
    from scaffolder.history import bundle_versions

    available = bundle_versions(store.bundle)
    try:
        target = Version(to) if to else Version(store.version)
    except InvalidVersion:
        raise ScaffolderError(f"--to {to!r} is not a version number such as 0.2.0") from None
    if target not in available:
        listed = ", ".join(str(v) for v in available)
        raise ScaffolderError(f"template version {target} is not available; available: {listed}")
    if answers.version not in available:
        raise ScaffolderError(
            f"the project records template version {answers.version}, which this scaffolder "
            f"({store.version}) does not have; upgrade scaffolder: pip install -U scaffolder"
        )
    if target < answers.version:
        raise ScaffolderError(
            f"the project is at template version {answers.version}, newer than {target}; "
            "downgrades are not supported"
        )
    return target
