"""``scaffold new``: validate the request, render into a staging folder, commit, move into place.

Nothing is written at the destination until the whole project (git commit included) exists in a
staging folder beside it; the final step is one ``rename``. A failure or Ctrl-C at any point
removes the staging folder, so the user never finds a half-written project.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scaffolder import gitrepo, naming, transaction
from scaffolder.answers_input import check_answers
from scaffolder.errors import (
    DestinationError,
    InvalidAnswersError,
    InvalidNameError,
    disk_full_reported,
)
from scaffolder.records import ANSWERS_FILE
from scaffolder.roles import Role, get_role, role_names
from scaffolder.store import TemplateStore


@dataclass(frozen=True)
class Generated:
    """What ``generate`` made."""

    dest: Path
    role: str
    answers: dict[str, Any]
    files: list[str] = field(default_factory=list)
    committed: bool = False
    pretend: bool = False
    notes: list[str] = field(default_factory=list)  # warnings for the user (a stale cache)
    # Who made the first commit (name, email): what --setup commits the lock file as.
    author: tuple[str, str] | None = None


def generate(
    dest: Path,
    *,
    role: str | None = None,
    data: Mapping[str, Any] | None = None,
    interactive: bool = False,
    pretend: bool = False,
    git: bool = True,
    store: TemplateStore | None = None,
) -> Generated:
    """Render ``role``'s template into the new folder ``dest``.

    ``interactive`` lets Copier prompt on the terminal for anything not in ``data`` (including
    the role); otherwise every unanswered question takes its default.
    """
    store = store or TemplateStore.installed()
    answers = dict(data or {})
    chosen = _resolve_role(role, answers, interactive, store)
    answers = check_answers(answers, chosen, store)
    _check_dest_name(answers, dest, interactive)
    # abspath folds ".." away; resolve() would also follow a symlink the checks below refuse.
    dest = Path(os.path.abspath(dest.expanduser()))  # noqa: PTH100
    check_destination(dest)
    gitrepo.require_git()  # Copier reads the templates' history through git, even with --no-git

    user_defaults = {"project_name": dest.name, **git_identity()}
    if chosen is not None:
        answers["role"] = chosen.name

    from scaffolder.engines import copier_engine

    if pretend:
        recorded = copier_engine.render_bundled(
            store,
            dest,
            data=answers,
            user_defaults=user_defaults,
            defaults=not interactive,
            pretend=True,
            quiet=False,
        )
        return Generated(dest=dest, role=recorded["role"], answers=recorded, pretend=True)

    with disk_full_reported():
        return _generate_staged(store, dest, answers, user_defaults, interactive, git)


def _generate_staged(
    store: TemplateStore,
    dest: Path,
    answers: dict[str, Any],
    user_defaults: dict[str, Any],
    interactive: bool,
    git: bool,
) -> Generated:
    """Render into a staging folder beside ``dest``, commit there, then move it into place."""
    from scaffolder.engines import copier_engine

    with transaction.new_project(dest) as stage:
        staging = stage.project
        copier_engine.render_bundled(
            store, staging, data=answers, user_defaults=user_defaults, defaults=not interactive
        )
        recorded = _recorded_answers(staging)
        if git:
            gitrepo.init_and_commit(
                staging,
                author_name=recorded["author_name"],
                author_email=recorded["author_email"],
            )
        files = sorted(
            p.relative_to(staging).as_posix()
            for p in staging.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(staging).parts
        )
    author = (recorded["author_name"], recorded["author_email"]) if git else None
    return Generated(
        dest=dest, role=recorded["role"], answers=recorded, files=files, committed=git,
        author=author,
    )  # fmt: skip


def _resolve_role(
    role: str | None, answers: dict[str, Any], interactive: bool, store: TemplateStore
) -> Role | None:
    from_data = answers.pop("role", None)
    if role and from_data and role != from_data:
        raise InvalidAnswersError(
            f"--role {role} disagrees with the answer role={from_data}; give the role once"
        )
    name = role or from_data
    if name:
        return get_role(str(name), store)
    if interactive:
        return None  # Copier asks for it
    known = ", ".join(role_names(store))
    raise InvalidAnswersError(f"no role given; pass --role ROLE, one of: {known}")


def _check_dest_name(answers: Mapping[str, Any], dest: Path, interactive: bool) -> None:
    """Without a project_name answer (and no prompt), the folder's name is the title: check it."""
    if "project_name" in answers or interactive:
        return
    error = naming.project_name_error(dest.expanduser().absolute().name)
    if error:
        raise InvalidNameError(error)


def check_destination(dest: Path) -> None:
    if os.pathsep in str(dest):
        # uv run and virtualenv put the project's .venv/bin on PATH, which this would split.
        raise DestinationError(
            f"the path {dest} contains {os.pathsep!r}, which breaks the project's virtual "
            "environment (PATH); choose a folder without it and give the title with "
            "--data project_name=TITLE"
        )
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise DestinationError(f"{dest} exists and is not a folder; choose a new folder name")
    if dest.is_dir() and any(dest.iterdir()):
        raise DestinationError(
            f"{dest} exists and is not empty; choose a new folder, or empty this one first"
        )
    for parent in dest.parents:
        if parent.exists():
            if not parent.is_dir() or not os.access(parent, os.W_OK):
                raise DestinationError(f"cannot create {dest}: {parent} is not a writable folder")
            break


def _recorded_answers(project: Path) -> dict[str, Any]:
    data = yaml.safe_load((project / ANSWERS_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def git_identity() -> dict[str, str]:
    """The user's git name and email, as defaults for the author questions."""
    if shutil.which("git") is None:
        return {}
    listing = gitrepo.run(
        ["config", "--get-regexp", r"^user\.(name|email)$"], Path.cwd(), check=False
    ).stdout
    keys = {"user.name": "author_name", "user.email": "author_email"}
    found = {}
    for line in listing.splitlines():
        key, _, value = line.partition(" ")
        if key in keys and value.strip():
            found[keys[key]] = value.strip()
    return found
