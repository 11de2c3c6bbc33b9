"""Where a third-party template comes from (``scaffold new --template SRC``), and which engine
renders it.

A source is a local folder, a local git repository, or a git URL (``gh:owner/name``,
``gl:``/``bb:``, ``https://...``, ``git@host:path``, ``git+...``, ``file://...``). A URL is
cloned once into scaffolder's cache (a mirror: every tag and branch) and fetched again on each
use; when the fetch fails (offline, the origin moved or vanished) the cached copy serves, with a
note saying so. A repository is read at one commit (``--vcs-ref``: a tag, branch or commit; by
default the newest version tag, else HEAD), checked out into a throwaway folder, so the template
the user is working on is never touched and every render of a version sees exactly the
committed files.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from packaging.version import InvalidVersion, Version

from scaffolder import gitrepo
from scaffolder.errors import GitError, SourceError

EngineName = Literal["copier", "cookiecutter"]
ENGINES: tuple[EngineName, ...] = ("copier", "cookiecutter")
COPIER_FILES = ("copier.yml", "copier.yaml")
COOKIECUTTER_FILE = "cookiecutter.json"


# The short forms Copier and Cookiecutter accept, and the clone URL each stands for.
URL_SHORTHANDS = {
    "gh:": "https://github.com/",
    "gl:": "https://gitlab.com/",
    "bb:": "https://bitbucket.org/",
}
SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:(?!//)")  # git@github.com:owner/name.git
# A clone or fetch never waits on a password prompt or a stalled connection.
QUIET_NETWORK = {"GIT_TERMINAL_PROMPT": "0"}
STALL_LIMITS = ["-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30"]


@dataclass(frozen=True)
class Source:
    """A template source: a folder, or a git repository (``repo`` True).

    ``given`` is the source as the user wrote it (what a project records); for a URL,
    ``location`` is the cached mirror, and ``note`` says when it could not be refreshed.
    """

    location: Path
    repo: bool
    given: str = ""
    url: str | None = None
    note: str = ""

    @property
    def shown(self) -> str:
        return self.given or str(self.location)

    @property
    def name(self) -> str:
        """The template's short name: the folder's, or the repository's in the URL."""
        if self.url is None:
            return self.location.name
        return re.split(r"[/:]", self.url.rstrip("/"))[-1].removesuffix(".git")


@dataclass(frozen=True)
class TemplateRef:
    """One version of a source: the ref asked for (or chosen) and the commit it names."""

    ref: str
    commit: str | None  # None: a plain folder, which has no versions


def clone_url(src: str) -> str | None:
    """The git URL ``src`` stands for, or None when it names a local path."""
    for short, base in URL_SHORTHANDS.items():
        if src.startswith(short):
            path = src.removeprefix(short).strip("/").removesuffix(".git")
            if not re.fullmatch(r"[\w.-]+(/[\w.-]+)+", path):
                raise SourceError(f"--template {src}: write it as {short}OWNER/NAME")
            return f"{base}{path}.git"
    if src.startswith("git+"):
        return src.removeprefix("git+")
    if "://" in src or SCP_LIKE.match(src):
        return src
    return None


def locate(src: str) -> Source:
    """The source ``src`` names: a local folder or repository, or a git URL (cached)."""
    url = clone_url(src)
    if url is not None:
        location, note = _cached_clone(url, src)
        return Source(location=location, repo=True, given=src, url=url, note=note)
    folder = Path(os.path.abspath(Path(src).expanduser()))  # noqa: PTH100
    if not folder.is_dir():
        raise SourceError(f"--template {src}: no such folder; give a template folder or git repo")
    top = gitrepo.toplevel(folder)
    if top is not None and top.resolve() == folder.resolve() and gitrepo.has_commits(folder):
        return Source(location=folder, repo=True)
    bare = gitrepo.run(["rev-parse", "--is-bare-repository"], folder, check=False)
    if bare.stdout.strip() == "true" and gitrepo.has_commits(folder):
        return Source(location=folder, repo=True)
    return Source(location=folder, repo=False)


def cached_clone_path(url: str) -> Path:
    """Where the mirror of ``url`` is kept: one folder per URL, named to be recognisable."""
    from scaffolder.store import cache_dir

    name = re.sub(r"[^\w.-]", "-", re.split(r"[/:]", url.rstrip("/"))[-1].removesuffix(".git"))
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return cache_dir() / "templates" / f"{name[:40] or 'template'}-{digest}.git"


def _cached_clone(url: str, given: str) -> tuple[Path, str]:
    """The cached mirror of ``url``, cloned on first use and fetched on every later one.

    A failed fetch is not an error: the cached copy serves, and the note says so. A failed first
    clone is, and leaves nothing in the cache.
    """
    mirror = cached_clone_path(url)
    if mirror.is_dir():
        try:
            gitrepo.run(
                [*STALL_LIMITS, "fetch", "--quiet", "--prune", "origin"], mirror, env=QUIET_NETWORK
            )
        except GitError as exc:
            reason = exc.said.removeprefix("fatal: ") or exc.message
            return mirror, f"could not fetch {given} ({reason}); using the copy cached in {mirror}"
        return mirror, ""
    mirror.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{mirror.name}.", dir=mirror.parent))
    try:
        gitrepo.run(
            [*STALL_LIMITS, "clone", "--quiet", "--mirror", url, str(partial / "repo.git")],
            mirror.parent,
            env=QUIET_NETWORK,
        )
        try:
            (partial / "repo.git").rename(mirror)
        except OSError:
            if not mirror.is_dir():  # not a clone made meanwhile by another scaffold
                raise
    except GitError as exc:
        reason = exc.said.removeprefix("fatal: ") or exc.message
        raise SourceError(
            f"--template {given}: cannot clone {url} ({reason}); check the address and the "
            "network, or clone it yourself and pass the folder"
        ) from exc
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return mirror, ""


def described_commit(source: Source, described: str) -> str | None:
    """The commit ``git describe``'s words name (``v1.2``, ``v1.2-3-gabc1234``), if present."""
    for name in (described, *re.findall(r"-g([0-9a-f]{4,40})$", described)):
        found = gitrepo.run(
            ["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], source.location, check=False
        )
        if found.returncode == 0:
            return found.stdout.strip()
    return None


def has_commit(source: Source, commit: str) -> bool:
    found = gitrepo.run(["cat-file", "-e", f"{commit}^{{commit}}"], source.location, check=False)
    return found.returncode == 0


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
    folder = tree / relative
    # A link in the template may point anywhere: the folder must be inside once resolved.
    inside = folder.resolve().is_relative_to(tree.resolve())
    if relative.is_absolute() or ".." in relative.parts or not inside:
        raise SourceError(f"--directory {directory}: give a folder inside the template source")
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
