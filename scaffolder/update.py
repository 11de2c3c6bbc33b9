"""``scaffold update`` and ``scaffold check``: preflight checks, then Copier's three-way merge.

Every precondition is checked before anything is touched, so a refused update changes nothing.
The merge itself is all or nothing: Copier runs in a staged copy of the repository (a
throwaway git worktree at HEAD), and only its finished result is copied into the project,
undone again on any failure or Ctrl-C (:mod:`scaffolder.gitrepo`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from scaffolder import gitrepo, transaction
from scaffolder.answers import ProjectAnswers, find_project, read_answers
from scaffolder.answers_input import check_answers, completions
from scaffolder.engines.copier_engine import Conflict
from scaffolder.errors import (
    InvalidAnswersError,
    ProjectAheadError,
    ScaffolderError,
    disk_full_reported,
)
from scaffolder.project_state import (
    Status,
    Updated,
    check_repository,
    check_resolved,
)
from scaffolder.record import has_record
from scaffolder.roles import get_role
from scaffolder.store import TemplateStore

_CLASH_ERRNOS = {errno.EEXIST, errno.ENOTDIR, errno.EISDIR}
UPGRADE_HINT = "upgrade scaffolder (uv tool upgrade scaffolder, or pipx upgrade scaffolder)"


def status(path: Path, *, store: TemplateStore | None = None, source: str | None = None) -> Status:
    """Compare ``path``'s recorded template version with the installed one.

    A project ahead of this scaffolder, or holding the last update's unresolved conflicts,
    is an error (its own exit code), not a status. ``source`` is for a third-party template
    that moved (see :func:`update`).
    """
    project = _project_dir(path)
    if has_record(project):  # made by scaffold new --template, cruft or Copier
        from scaffolder import thirdparty

        return thirdparty.status(project, source=source)
    _no_source(source)
    store = store or TemplateStore.installed()
    answers = read_answers(project)
    latest = Version(store.version)
    if answers.version > latest:
        raise _ahead(answers, store)
    check_resolved(project)
    current = answers.version
    return Status(project=project, current=current, latest=latest, up_to_date=current >= latest)


def update(
    path: Path,
    *,
    to: str | None = None,
    data: Mapping[str, Any] | None = None,
    conflict: Conflict = "inline",
    pretend: bool = False,
    store: TemplateStore | None = None,
    trust: bool = False,
    source: str | None = None,
) -> Updated:
    """Bring template changes from the project's version up to ``to`` (default: installed).

    ``data`` changes answers on the way (``license=Apache-2.0``, ``container=true``): the
    project is merged as if it had been generated with them, at the same or a newer version.
    ``trust`` lets a third-party template's Jinja extensions load in the renders; ``source``
    reads a third-party template from a new place (it moved, or its origin is gone).
    """
    project = _project_dir(path)
    if has_record(project):  # made by scaffold new --template, cruft or Copier
        from scaffolder import thirdparty

        return thirdparty.update(
            project, to=to, data=data or {}, conflict=conflict, pretend=pretend, trust=trust,
            source=source,
        )  # fmt: skip
    _no_source(source)
    store = store or TemplateStore.installed()
    gitrepo.require_git()
    answers = read_answers(project)
    new_answers = _changed_answers(data or {}, answers, store)
    target = _target_version(to, answers, store)
    check_resolved(project)
    if target == answers.version and not new_answers:
        return Updated(project=project, from_version=target, to_version=target, pretend=pretend)
    check_repository(project)
    with disk_full_reported():
        return _staged_update(
            store, project, answers, target, new_answers, conflict=conflict, pretend=pretend
        )


def _staged_update(
    store: TemplateStore,
    project: Path,
    answers: ProjectAnswers,
    target: Version,
    new_answers: dict[str, Any],
    *,
    conflict: Conflict,
    pretend: bool,
) -> Updated:
    """Update a staged copy of the project, then (unless pretending) apply it, all or nothing."""
    from scaffolder.engines import copier_engine as engine

    with transaction.staged(project) as stage:
        try:
            engine.update(
                store,
                stage.project,
                to=str(target),
                data=new_answers,
                conflict=conflict,
                pretend=pretend,
            )
        except (AssertionError, OSError) as exc:
            # How Copier fails on a folder where it writes a file, or a file where it makes one.
            if isinstance(exc, OSError) and exc.errno not in _CLASH_ERRNOS:
                raise
            clash = _type_clash(store, project, answers, target, new_answers)
            if clash:
                raise ScaffolderError(clash) from exc
            raise
        if pretend:
            return Updated(project, answers.version, target, pretend=True, new_answers=new_answers)
        if conflict == "rej":
            conflicts = gitrepo.untracked_files(stage.project, "*.rej")
        else:
            conflicts = gitrepo.conflicted_files(stage.project)
        result = Updated(
            project,
            answers.version,
            target,
            changed=sorted(gitrepo.uncommitted(stage.project)),
            conflicts=conflicts,
            new_answers=new_answers,
            dependencies_changed=bool(gitrepo.uncommitted(stage.project, "pyproject.toml")),
        )
        transaction.apply(stage)
    return result


def _type_clash(
    store: TemplateStore,
    project: Path,
    answers: ProjectAnswers,
    target: Version,
    new_answers: Mapping[str, Any],
) -> str:
    """Why Copier failed, when it is a file the user made a folder (or the other way round).

    Copier cannot write a template file where the project has a folder (it fails with an
    AssertionError) or a folder where it has a file. Rendered again, the target version shows
    which path it was; "" when no path clashes.
    """
    from scaffolder.engines import copier_engine as engine

    with tempfile.TemporaryDirectory(prefix="scaffold-check-") as scratch:
        rendered = Path(scratch) / "render"
        try:
            engine.render_bundled(
                store,
                rendered,
                data={**answers.answers, **new_answers},
                user_defaults={},
                defaults=True,
                version=str(target),
            )
        except (ScaffolderError, OSError):
            return ""
        for dirpath, dirnames, filenames in os.walk(rendered):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath, name)
                relative = path.relative_to(rendered).as_posix()
                mine = project / relative
                if not (mine.exists() or mine.is_symlink()):
                    continue
                if path.is_dir() == (mine.is_dir() and not mine.is_symlink()):
                    continue
                theirs, ours = ("folder", "file") if path.is_dir() else ("file", "folder")
                return (
                    f"template {target} has a {theirs} {relative} where your project has a "
                    f"{ours}; rename yours (git mv {relative} NEW-NAME), commit, and run "
                    "scaffold update again"
                )
    return ""


def _no_source(source: str | None) -> None:
    if source is not None:
        raise ScaffolderError(
            "--source is for projects made from a third-party template; a role's templates "
            "come with this scaffolder"
        )


def _ahead(answers: ProjectAnswers, store: TemplateStore) -> ProjectAheadError:
    return ProjectAheadError(
        f"the project is at template version {answers.version}, made by a newer scaffolder "
        f"than this one ({store.version}); {UPGRADE_HINT}"
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
    """The generated project at ``path`` or above it (``scaffold update`` from a subfolder)."""
    folder = Path(os.path.abspath(path.expanduser()))  # noqa: PTH100  # folds "..", keeps links
    if not folder.is_dir():
        raise ScaffolderError(f"{folder} is not a folder; give the path of a generated project")
    return find_project(folder)


def _target_version(to: str | None, answers: ProjectAnswers, store: TemplateStore) -> Version:
    """The version to update to, as the bundle names it: ``--to 0.3`` is 0.3.0 (PEP 440)."""
    from scaffolder.history import bundle_versions

    available = bundle_versions(store.bundle)
    listed = ", ".join(str(v) for v in available)
    try:
        wanted = Version(to) if to else Version(store.version)
    except InvalidVersion:
        raise ScaffolderError(
            f"--to {to!r} is not a version number such as 0.2.0; available: {listed}"
        ) from None
    if answers.version > max(available):
        raise _ahead(answers, store)
    if answers.version not in available:
        raise ScaffolderError(
            f"the project records template version {answers.version}, which was never "
            f"released; available: {listed}; restore .copier-answers.yml from git"
        )
    same = [v for v in available if v == wanted]  # 0.3 == 0.3.0 == 0.3.0.0
    if not same:
        raise ScaffolderError(f"template version {wanted} is not available; available: {listed}")
    target = same[0]
    if target < answers.version:
        raise ScaffolderError(
            f"the project is at template version {answers.version}, newer than {target}; "
            "downgrades are not supported"
        )
    return target
