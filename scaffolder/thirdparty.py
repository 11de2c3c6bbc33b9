"""``scaffold new --template SRC`` and the update of what it made: any Copier or Cookiecutter
template, with the built-in roles' guarantees.

``new`` renders into a staging folder beside the destination (nothing is left on failure or
Ctrl-C), records the template's source, version and answers in the project
(:mod:`scaffolder.records`), then makes the first commit. Template code (hooks, tasks,
migrations, Jinja extensions) runs only with ``--trust`` (:mod:`scaffolder.trust`).

``update`` renders the recorded version and the new one with the recorded answers into
throwaway folders, running no hook or task, and merges the difference into a staged copy of the
project (:mod:`scaffolder.merge`); only the finished result reaches the user's tree, and the
record moves with it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from scaffolder import gitrepo, transaction
from scaffolder.engines import Origin, RenderRequest, TemplateEngine, get_engine
from scaffolder.errors import (
    InvalidAnswersError,
    SourceError,
    disk_full_reported,
)
from scaffolder.generate import (
    Generated,
    check_destination,
    git_identity,
)
from scaffolder.merge import Conflict, files, update_staged
from scaffolder.project_state import (
    Status,
    Updated,
    check_repository,
    check_resolved,
)
from scaffolder.records import TemplateRecord, read_record, write_record
from scaffolder.sources import (
    EngineName,
    Source,
    TemplateRef,
    checked_out,
    described_commit,
    detect_engine,
    has_commit,
    locate,
    resolve,
)
from scaffolder.trust import code_routes, require_trust

FALLBACK_AUTHOR = ("scaffold", "scaffold@localhost")


def new_from_template(
    dest: Path,
    *,
    template: str,
    vcs_ref: str | None = None,
    directory: str | None = None,
    engine: EngineName | None = None,
    data: Mapping[str, Any] | None = None,
    interactive: bool = False,
    pretend: bool = False,
    git: bool = True,
    trust: bool = False,
) -> Generated:
    """Render the template ``template`` names into the new folder ``dest``."""
    dest = Path(os.path.abspath(dest.expanduser()))  # noqa: PTH100
    check_destination(dest)
    gitrepo.require_git()
    source = locate(template)
    notes = [source.note] if source.note else []
    version = resolve(source, vcs_ref)
    answers = dict(data or {})
    with checked_out(source, version, directory) as folder:
        name = detect_engine(folder, engine, source.shown)
        require_trust(code_routes(folder, name), trust, source.shown)
        chosen = get_engine(name)
        _check_keys(answers, chosen, folder)
        origin = Origin(source=source.shown, ref=version.ref)
        label = f"{name} template {source.name} {version.ref}".rstrip()
        if pretend:
            with tempfile.TemporaryDirectory(prefix="scaffold-pretend-") as scratch:
                request = RenderRequest(origin, answers, interactive, extensions=trust)
                rendered = chosen.render(folder, Path(scratch), request)
                listed = sorted(files(rendered.project))
            return Generated(dest, label, rendered.answers, files=listed, pretend=True, notes=notes)
        record = TemplateRecord(
            source=source.shown, ref=version.ref, commit=version.commit, engine=name,
            directory=directory, answers={},
        )  # fmt: skip
        with disk_full_reported():
            made = _new_staged(dest, folder, chosen, origin, record, answers, label,
                               interactive=interactive, git=git, trust=trust)  # fmt: skip
        return replace(made, notes=notes + made.notes)


def _new_staged(
    dest: Path,
    folder: Path,
    engine: TemplateEngine,
    origin: Origin,
    record: TemplateRecord,
    answers: dict[str, Any],
    label: str,
    *,
    interactive: bool,
    git: bool,
    trust: bool,
) -> Generated:
    with transaction.new_project(dest) as stage:
        out = stage.folder / "render"
        out.mkdir()
        request = RenderRequest(origin, answers, interactive, hooks=trust, extensions=trust)
        rendered = engine.render(folder, out, request)
        stage.project = project = rendered.project
        notes = _written_outside(project, out, dest.parent, stage.beside | {stage.folder})
        write_record(project, record.moved_to(record.ref, record.commit, rendered.answers))
        author = None
        if git:
            identity = git_identity()
            author = (
                identity.get("author_name", FALLBACK_AUTHOR[0]),
                identity.get("author_email", FALLBACK_AUTHOR[1]),
            )
            gitrepo.init_and_commit(project, author_name=author[0], author_email=author[1])
        listed = sorted(files(project))
    return Generated(
        dest, label, rendered.answers, files=listed, committed=git, author=author, notes=notes
    )


def _written_outside(project: Path, out: Path, parent: Path, before: set[Path]) -> list[str]:
    """What trusted template code wrote outside the new project, as warnings: beside it in the
    staging folder (discarded with it), or beside the destination (left for the user to judge,
    since scaffolder cannot tell it from their own files)."""
    notes = []
    # Cookiecutter renders into a folder inside ``out``, Copier into ``out`` itself.
    around = (out.parent,) if project == out else (out, out.parent)
    stray = sorted(p.name for folder in around for p in folder.iterdir())
    stray = [name for name in stray if name not in {project.name, out.name}]
    if stray:
        notes.append(
            f"the template's code wrote outside the new project ({', '.join(stray[:3])}); "
            "that was discarded"
        )
    added = sorted(str(p) for p in set(parent.iterdir()) - before)
    if added:
        notes.append(
            f"the template's code wrote outside the new project: {', '.join(added[:3])}; "
            "review and remove it"
        )
    return notes


def _check_keys(answers: Mapping[str, Any], engine: TemplateEngine, folder: Path) -> None:
    known = engine.questions(folder)
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise InvalidAnswersError(
            f"unknown answer key {unknown[0]!r}; the template asks for: "
            f"{', '.join(known) or 'nothing'}"
        )


def _recorded_version(
    record: TemplateRecord, project: Path, moved_to: str | None
) -> tuple[Source, TemplateRef]:
    """The template source (the recorded one, or ``moved_to``) and the project's version in it."""
    source = locate(moved_to or record.source)
    if not source.repo:
        raise SourceError(
            f"{project} was made from the folder {source.shown}, which keeps no versions; "
            "an update needs the template in a git repository with tags (--source SRC)"
        )
    commit = record.commit or described_commit(source, record.ref)
    if commit is None or not has_commit(source, commit):
        raise SourceError(
            f"the project's template version {record.ref} is not in {source.shown}; point "
            "--source at a copy of the template that has it"
        )
    return source, TemplateRef(ref=record.ref, commit=commit)


def status(project: Path, *, source: str | None = None) -> Status:
    """Where a project made from a third-party template stands against its source."""
    record = read_record(project)
    check_resolved(project)
    found, current = _recorded_version(record, project, source)
    newest = resolve(found, None)
    return Status(
        project=project, current=record.ref, latest=newest.ref,
        up_to_date=newest.commit == current.commit,
        notes=[found.note] if found.note else [],
    )  # fmt: skip


def update(
    project: Path,
    *,
    to: str | None,
    data: Mapping[str, Any],
    conflict: Conflict,
    pretend: bool,
    trust: bool,
    source: str | None = None,
    verify: str | None = None,
) -> Updated:
    """Merge the template's change from the recorded version to ``to`` into ``project``.

    ``source`` points at the template's new home when the recorded one moved or vanished; the
    record names it once the update is applied.
    """
    gitrepo.require_git()
    record = read_record(project)
    found, old = _recorded_version(record, project, source)
    notes = [found.note] if found.note else []
    target = resolve(found, to)
    check_resolved(project)
    if source is not None:
        record = replace(record, source=found.shown)
    with (
        checked_out(found, old, record.directory) as old_folder,
        checked_out(found, target, record.directory) as new_folder,
    ):
        engine = get_engine(record.engine)
        _check_keys(data, engine, new_folder)
        changed = {k: v for k, v in data.items() if str(record.answers.get(k)) != str(v)}
        if target.commit == old.commit and not changed:
            return Updated(project, record.ref, record.ref, pretend=pretend, notes=notes)
        check_repository(project)
        # Replays run no hook or task; a Jinja extension is code too, loaded only with trust.
        routes = [r for f in (old_folder, new_folder) for r in code_routes(f, record.engine)]
        require_trust([r for r in routes if r.renders], trust, found.shown)
        with disk_full_reported(), tempfile.TemporaryDirectory(prefix="scaffold-replay-") as tmp:
            renders = []
            for name, folder, ref, answers in (
                ("base", old_folder, record.ref, record.answers),
                ("theirs", new_folder, target.ref, {**record.answers, **changed}),
            ):
                out = Path(tmp, name)
                out.mkdir()
                request = RenderRequest(Origin(found.shown, ref), answers, extensions=trust)
                renders.append(engine.render(folder, out, request))
            base, theirs = renders
            moved = record.moved_to(target.ref, target.commit, theirs.answers)
            result = update_staged(
                project, base.project, theirs.project, skip=record.skipped,
                write_record=lambda stage: write_record(stage, moved, rendered=theirs.project),
                versions=(record.ref, moved.ref), new_answers=changed, conflict=conflict,
                pretend=pretend, verify=verify,
            )  # fmt: skip
            return replace(result, notes=notes)
