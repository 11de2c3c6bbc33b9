"""``scaffold update`` and ``scaffold check``: preflight checks, then a three-way merge.

Every precondition is checked before anything is touched, so a refused update changes nothing.
A role's project updates exactly as a third-party template's does (:mod:`scaffolder.thirdparty`):
the recorded version and the target are rendered with the answers into throwaway folders (here
from the bundle), and the difference is merged file by file into a staged copy of the
repository (:func:`scaffolder.merge.update_staged`); only its finished result is copied into
the project, undone again on any failure or Ctrl-C (:mod:`scaffolder.transaction`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from scaffolder import gitrepo
from scaffolder.answers_input import check_answers, completions
from scaffolder.errors import (
    InvalidAnswersError,
    ProjectAheadError,
    ScaffolderError,
    disk_full_reported,
)
from scaffolder.merge import Conflict, update_staged
from scaffolder.project_state import (
    ROLE_CHECK,
    Status,
    Updated,
    check_repository,
    check_resolved,
    chosen_check,
)
from scaffolder.records import (
    ANSWERS_FILE,
    ProjectAnswers,
    find_project,
    has_record,
    read_answers,
)
from scaffolder.roles import get_role
from scaffolder.store import TemplateStore

UPGRADE_HINT = (
    "upgrade scaffolder (uv tool upgrade scaffold-portfolio, or pipx upgrade scaffold-portfolio)"
)


def status(path: Path, *, store: TemplateStore | None = None, source: str | None = None) -> Status:
    """Compare ``path``'s recorded template version with the installed one.

    A project ahead of this scaffolder, or holding the last update's unresolved conflicts,
    is an error (its own exit code), not a status. ``source`` is for a third-party template
    that moved (see :func:`update`).
    """
    project = find_project(path)
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
    verify: bool | None = None,
    verify_command: str | None = None,
) -> Updated:
    """Bring template changes from the project's version up to ``to`` (default: installed).

    ``data`` changes answers on the way (``license=Apache-2.0``, ``container=true``): the
    project is merged as if it had been generated with them, at the same or a newer version.
    ``trust`` lets a third-party template's Jinja extensions load in the renders; ``source``
    reads a third-party template from a new place (it moved, or its origin is gone).
    ``verify`` runs the project's check (``verify_command``, the project's setting, or a
    role's ``make check``) on the merged result and applies it only if the check passes.
    """
    project = find_project(path)
    if has_record(project):  # made by scaffold new --template, cruft or Copier
        from scaffolder import thirdparty

        check = chosen_check(project, verify=verify, command=verify_command, default=None)
        return thirdparty.update(
            project, to=to, data=data or {}, conflict=conflict, pretend=pretend, trust=trust,
            source=source, verify=check,
        )  # fmt: skip
    _no_source(source)
    store = store or TemplateStore.installed()
    gitrepo.require_git()
    answers = read_answers(project)
    new_answers = _changed_answers(data or {}, answers, store)
    base, target = _versions(to, answers, store)
    check_resolved(project)
    if target == answers.version and not new_answers:
        return Updated(project=project, from_version=target, to_version=target, pretend=pretend)
    check_repository(project)
    check = chosen_check(project, verify=verify, command=verify_command, default=ROLE_CHECK)
    with disk_full_reported():
        return _merge_update(
            store, project, answers, (base, target), new_answers, conflict=conflict,
            pretend=pretend,
            verify=check,
        )  # fmt: skip


def _merge_update(
    store: TemplateStore,
    project: Path,
    answers: ProjectAnswers,
    versions: tuple[Version, Version],
    new_answers: dict[str, Any],
    *,
    conflict: Conflict,
    pretend: bool,
    verify: str | None,
) -> Updated:
    """Render ``versions`` from the bundle (the one to merge from with the recorded answers, the
    target with the new ones) and merge the difference into the project like any template's
    update."""
    from scaffolder.engines import copier_engine

    with tempfile.TemporaryDirectory(prefix="scaffold-replay-") as tmp:
        base, theirs = Path(tmp, "base"), Path(tmp, "theirs")
        for out, version, data in (
            (base, versions[0], answers.answers),
            (theirs, versions[1], {**answers.answers, **new_answers}),
        ):
            copier_engine.render_bundled(
                store, out, data=data, user_defaults={}, defaults=True, version=str(version)
            )

        def write_record(stage: Path) -> None:  # the answers file, as Copier wrote it
            shutil.copyfile(theirs / ANSWERS_FILE, stage / ANSWERS_FILE)

        return update_staged(
            project, base, theirs, skip=lambda path: path == ANSWERS_FILE,
            write_record=write_record,
            versions=(answers.version, versions[1]), new_answers=new_answers, conflict=conflict,
            pretend=pretend, verify=verify,
        )  # fmt: skip


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
        role: str | None = read_answers(find_project(path)).role
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


def _versions(
    to: str | None, answers: ProjectAnswers, store: TemplateStore
) -> tuple[Version, Version]:
    """The version to merge from and the one to update to, as the bundle names them: ``--to
    0.3`` is 0.3.0 (PEP 440).

    A project made by a development build records a version no release has; with ``--to`` it
    merges from the release before it, so what the build changed counts as the user's own.
    """
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
    base = answers.version
    if base not in available:
        earlier = [v for v in available if v < base]
        if not to or not earlier:
            raise ScaffolderError(
                f"the project records template version {base}, which no release of scaffolder "
                "has: a development build made it; install the scaffolder release that made "
                f"the project, or update it with scaffold update --to VERSION (available: "
                f"{listed})"
            )
        base = max(earlier)
    same = [v for v in available if v == wanted]  # 0.3 == 0.3.0 == 0.3.0.0
    if not same:
        raise ScaffolderError(f"template version {wanted} is not available; available: {listed}")
    target = same[0]
    if target < answers.version:
        raise ScaffolderError(
            f"the project is at template version {answers.version}, newer than {target}; "
            "downgrades are not supported"
        )
    return base, target
