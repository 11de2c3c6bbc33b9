"""Where a third-party template comes from (``scaffold new --template SRC``), and which engine
renders it.

A source is a local folder or a local git repository. A repository is read at one commit
(``--vcs-ref``: a tag, branch or commit; by default the newest version tag, else HEAD), checked
out into a throwaway folder, so the template the user is working on is never touched and every
render of a version sees exactly the committed files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from packaging.version import InvalidVersion, Version

from scaffolder import gitrepo
from scaffolder.errors import ScaffolderError

EngineName = Literal["copier", "cookiecutter"]
ENGINES: tuple[EngineName, ...] = ("copier", "cookiecutter")
COPIER_FILES = ("copier.yml", "copier.yaml")
COOKIECUTTER_FILE = "cookiecutter.json"


class SourceError(ScaffolderError):
    """A template source that cannot be found, read or rendered."""


@dataclass(frozen=True)
class Source:
    """A template source: a folder, or a git repository (``repo`` True)."""

    location: Path
    repo: bool

    @property
    def shown(self) -> str:
        return str(self.location)


@dataclass(frozen=True)
class TemplateRef:
    """One version of a source: the ref asked for (or chosen) and the commit it names."""

    ref: str
    commit: str | None  # None: a plain folder, which has no versions


def locate(src: str) -> Source:
    """The source ``src`` names; only local folders and git repositories are supported."""
    if src.startswith(("gh:", "gl:", "bb:", "git@", "git+")) or "://" in src:
        raise SourceError(
            f"--template {src}: git URLs are not supported yet; clone it (git clone URL) and "
            "pass the local folder"
        )
    folder = Path(os.path.abspath(Path(src).expanduser()))  # noqa: PTH100
    if not folder.is_dir():
        raise SourceError(f"--template {src}: no such folder; give a template folder or git repo")
    top = gitrepo.toplevel(folder)
    if top is not None and top.resolve() == folder.resolve() and gitrepo.has_commits(folder):
        return Source(location=folder, repo=True)
    return Source(location=folder, repo=False)


def resolve(source: Source, ref: str | None) -> TemplateRef:
    """The version ``ref`` names (default: the newest version tag, else HEAD)."""
    if not source.repo:
        if ref:
            raise SourceError(
                f"--vcs-ref {ref}: {source.shown} is not a git repository, so it has no versions"
            )
        return TemplateRef(ref="", commit=None)
    chosen = ref or newest_tag(source.location) or "HEAD"
    found = gitrepo.run(
        ["rev-parse", "--verify", "--quiet", f"{chosen}^{{commit}}"], source.location, check=False
    )
    if found.returncode != 0:
        tags = ", ".join(version_tags(source.location)[-5:]) or "none"
        raise SourceError(
            f"--vcs-ref {chosen}: no such tag, branch or commit in {source.shown} "
            f"(newest version tags: {tags})"
        )
    commit = found.stdout.strip()
    return TemplateRef(ref=commit[:12] if chosen == "HEAD" else chosen, commit=commit)


def version_tags(repo: Path) -> list[str]:
    """The repository's tags that read as versions (``v1.2``, ``1.2.0``), oldest first."""
    tags = gitrepo.run(["tag", "--list"], repo).stdout.split()
    versions = []
    for tag in tags:
        try:
            versions.append((Version(tag.removeprefix("v")), tag))
        except InvalidVersion:
            continue
    return [tag for _, tag in sorted(versions)]


def newest_tag(repo: Path) -> str | None:
    tags = version_tags(repo)
    return tags[-1] if tags else None


@contextmanager
def checked_out(source: Source, version: TemplateRef, directory: str | None) -> Iterator[Path]:
    """The template folder of ``version`` (below ``directory``), removed again afterwards."""
    with tempfile.TemporaryDirectory(prefix="scaffold-template-") as scratch:
        tree = Path(scratch) / "template"
        if version.commit is None:
            shutil.copytree(source.location, tree, symlinks=True)
        else:
            location = str(source.location)
            gitrepo.run(
                [*gitrepo.NO_HOOKS, "clone", "--quiet", "--shared", "--no-checkout", location,
                 str(tree)],
                Path(scratch),
            )  # fmt: skip
            gitrepo.run(
                [*gitrepo.NO_HOOKS, "-c", "advice.detachedHead=false", "checkout", "--quiet",
                 "--detach", version.commit],
                tree,
            )  # fmt: skip
            shutil.rmtree(tree / ".git")
        yield template_folder(tree, directory, source)


def template_folder(tree: Path, directory: str | None, source: Source) -> Path:
    if not directory:
        return tree
    relative = PurePosixPath(directory)
    if relative.is_absolute() or ".." in relative.parts:
        raise SourceError(f"--directory {directory}: give a folder inside the template source")
    folder = tree / relative
    if not folder.is_dir():
        raise SourceError(f"--directory {directory}: no such folder in {source.shown}")
    return folder


def detect_engine(folder: Path, wanted: EngineName | None, shown: str) -> EngineName:
    """The engine for the template in ``folder``: Copier if it has both files, unless ``wanted``."""
    found: list[EngineName] = []
    if any((folder / name).is_file() for name in COPIER_FILES):
        found.append("copier")
    if (folder / COOKIECUTTER_FILE).is_file():
        found.append("cookiecutter")
    if wanted is not None:
        if wanted not in found:
            names = " or ".join(COPIER_FILES) if wanted == "copier" else COOKIECUTTER_FILE
            raise SourceError(f"--engine {wanted}: {shown} has no {names}")
        return wanted
    if not found:
        raise SourceError(
            f"{shown} is not a template: it has no copier.yml, copier.yaml or cookiecutter.json "
            "(for a template in a subfolder, pass --directory DIR)"
        )
    return found[0]
