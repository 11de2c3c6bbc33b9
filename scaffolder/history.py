"""The template history: every released version of ``templates/`` as one git bundle.

Copier can only update a project from a git template with version tags. A plain folder of
templates (what a wheel holds) has no history, so the wheel also ships ``templates.bundle``:
one commit per released scaffolder version plus the templates being built, each tagged with
its version.

The released versions are those of :data:`RELEASES_FILE`, a tracked file of ``version = full
commit sha`` lines: tags need not travel with a clone, the record does. Each release's
templates are the ``templates/`` tree of its commit, read straight from the checkout's object
store (a shallow clone lacks them and is refused in one line).

Standard library and ``packaging`` only: the wheel build hook imports this module before
any of scaffolder's dependencies exist.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

from packaging.version import InvalidVersion, Version

from scaffolder.errors import ReleaseRecordError

# Fixed identity and dates make the bundle (and so every commit id in it) reproducible.
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffolder",
    "GIT_AUTHOR_EMAIL": "templates@scaffolder.invalid",
    "GIT_COMMITTER_NAME": "scaffolder",
    "GIT_COMMITTER_EMAIL": "templates@scaffolder.invalid",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+00:00",
}
# Files that never belong to a template, even if they sit in a working tree.
_IGNORED = ("__pycache__/", "*.py[co]", ".DS_Store")
RELEASES_FILE = "releases.toml"
RELEASE_TAG_PREFIX = "v"
_SHA = re.compile(r"[0-9a-f]{40}")


def released_versions(source_root: Path) -> dict[Version, str]:
    """The releases recorded in ``source_root``'s :data:`RELEASES_FILE`: version -> commit."""
    path = source_root / RELEASES_FILE
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("releases", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReleaseRecordError(f"{path} is not valid TOML: {exc}") from exc
    if not isinstance(table, dict):
        raise ReleaseRecordError(f"{path}: [releases] must be a table of version = commit")
    found: dict[Version, str] = {}
    for name, sha in table.items():
        try:
            version = Version(name)
        except InvalidVersion:
            raise ReleaseRecordError(f"{path}: {name!r} is not a version number") from None
        if str(version) != name:
            raise ReleaseRecordError(f"{path}: write version {name!r} as {str(version)!r}")
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            raise ReleaseRecordError(
                f"{path}: release {name} must name a full 40-character commit sha"
            )
        found[version] = sha
    return found


def release_tree(source_root: Path, version: Version, commit: str) -> str:
    """The ``templates/`` tree of release ``version``'s recorded ``commit`` in the checkout."""
    short = commit[:12]
    if _run(["cat-file", "-e", f"{commit}^{{commit}}"], cwd=source_root).returncode != 0:
        shallow = _run(["rev-parse", "--is-shallow-repository"], cwd=source_root)
        fix = (
            "this is a shallow clone: run git fetch --unshallow"
            if shallow.stdout.strip() == "true"
            else "fetch the full history (git fetch origin)"
        )
        raise ReleaseRecordError(
            f"release {version}'s commit {short} ({RELEASES_FILE}) is not in the git history "
            f"of {source_root}; {fix}, then retry"
        )
    found = _run(["rev-parse", "--verify", "--quiet", f"{commit}:templates"], cwd=source_root)
    tree = found.stdout.strip()
    if found.returncode != 0 or _git(["cat-file", "-t", tree], cwd=source_root) != "tree":
        raise ReleaseRecordError(
            f"release {version}'s commit {short} ({RELEASES_FILE}) has no templates/ folder; "
            "correct its line"
        )
    return tree


def check_release_order(source_root: Path) -> None:
    """Recorded versions must increase along the history: each release descends from the last."""
    releases = sorted(released_versions(source_root).items())
    for version, commit in releases:
        release_tree(source_root, version, commit)  # each commit is there, with templates/
    for (older, old_commit), (newer, new_commit) in itertools.pairwise(releases):
        ancestor = _run(["merge-base", "--is-ancestor", old_commit, new_commit], cwd=source_root)
        if ancestor.returncode != 0:
            raise ReleaseRecordError(
                f"{RELEASES_FILE}: release {newer} ({new_commit[:12]}) does not descend from "
                f"release {older} ({old_commit[:12]}); versions must increase in commit order"
            )


def templates_tree(source_root: Path) -> str:
    """The git tree id of ``templates/`` as it is on disk now (what a build would ship)."""
    with tempfile.TemporaryDirectory(prefix="scaffolder-history-") as tmp:
        repo = _init_repo(Path(tmp))
        return _disk_tree(source_root, repo)


def unreleased_change(source_root: Path, version: str) -> str:
    """Why ``templates/`` cannot ship as ``version``, or ``""`` when it can.

    A recorded release is immutable: once ``version`` is recorded, the templates must be its
    templates, byte for byte; any change needs a new ``__version__``. A version older than a
    recorded one would also go backwards.
    """
    current = Version(version)
    releases = released_versions(source_root)
    newer = [v for v in releases if v > current]
    if newer:
        return (
            f"__version__ {version} is older than release {max(newer)} in {RELEASES_FILE}; "
            "bump __version__ in scaffolder/__init__.py past it"
        )
    if current not in releases:
        return ""
    commit = releases[current]
    if templates_tree(source_root) == release_tree(source_root, current, commit):
        return ""
    return (
        f"templates/ differs from release {current} (commit {commit[:12]}), which is "
        f"__version__ still; bump __version__ in scaffolder/__init__.py and add a CHANGELOG "
        "entry for the new version"
    )


def build_release_bundle(source_root: Path, version: str, out: Path) -> Path:
    """:func:`build_bundle` for a wheel or sdist: refuses templates that are not ``version``'s."""
    problem = unreleased_change(source_root, version)
    if problem:
        raise ReleaseRecordError(problem)
    return build_bundle(source_root, version, out)


def build_bundle(source_root: Path, version: str, out: Path) -> Path:
    """Write the template history of ``source_root`` (a scaffolder checkout) to ``out``.

    Released versions older than ``version`` come from their recorded commits; ``version``
    itself is the ``templates/`` folder as it is on disk now. Returns ``out``.
    """
    current = Version(version)
    releases = {v: c for v, c in released_versions(source_root).items() if v < current}
    if releases:
        check_release_order(source_root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scaffolder-history-") as tmp:
        repo = _init_repo(Path(tmp))
        env = {"GIT_DIR": str(repo), **_GIT_IDENTITY}
        if releases:
            # Borrow the checkout's objects: release trees are read in place, not fetched.
            objects = _git(["rev-parse", "--git-path", "objects"], cwd=source_root)
            alternates = repo / "objects" / "info" / "alternates"
            alternates.write_text(str((source_root / objects).resolve()) + "\n")
        parent: str | None = None
        for release in sorted(releases):
            tree = release_tree(source_root, release, releases[release])
            parent = _commit(tree, parent, str(release), env)
        head = _commit(_disk_tree(source_root, repo), parent, str(current), env)
        _git(["update-ref", "refs/heads/main", head], cwd=Path(tmp), env=env)
        _git(["symbolic-ref", "HEAD", "refs/heads/main"], cwd=Path(tmp), env=env)
        staged = Path(tmp) / "templates.bundle"
        _git(
            ["bundle", "create", "--quiet", str(staged), "refs/heads/main", "--tags"],
            cwd=Path(tmp),
            env=env,
        )
        shutil.move(staged, out)
    return out


def bundle_versions(bundle: Path) -> list[Version]:
    """The versions (tags) a history bundle holds, oldest first."""
    heads = _git(["bundle", "list-heads", str(bundle)], cwd=bundle.parent).splitlines()
    versions = []
    for line in heads:
        ref = line.split()[-1]
        if ref.startswith("refs/tags/"):
            try:
                versions.append(Version(ref.removeprefix("refs/tags/")))
            except InvalidVersion:
                continue
    return sorted(versions)


def _init_repo(tmp: Path) -> Path:
    repo = tmp / "history.git"
    _git(["init", "--quiet", "--bare", str(repo)], cwd=tmp)
    (repo / "info" / "exclude").write_text("\n".join(_IGNORED) + "\n")
    return repo


def _disk_tree(source_root: Path, repo: Path) -> str:
    """Add ``templates/`` as it is on disk to ``repo``'s objects; return its tree id."""
    templates = source_root / "templates"
    env = {
        "GIT_DIR": str(repo),
        "GIT_INDEX_FILE": str(repo / "scaffolder-index"),
        "GIT_WORK_TREE": str(templates),
    }
    # Only $GIT_DIR/info/exclude applies: a developer's global excludes must not drop files;
    # nor may their core.safecrlf refuse LF files (it only warns or refuses, never converts).
    _git(
        ["-c", f"core.excludesFile={os.devnull}", "-c", "core.safecrlf=false", "add", "--all"],
        cwd=templates,
        env=env,
    )
    return _git(["write-tree"], cwd=templates, env=env)


def _commit(tree: str, parent: str | None, version: str, env: Mapping[str, str]) -> str:
    # --no-gpg-sign and update-ref: a developer's signing settings have no say here.
    args = ["commit-tree", "--no-gpg-sign", tree, "-m", f"templates {version}"]
    if parent:
        args += ["-p", parent]
    commit = _git(args, cwd=Path(env["GIT_DIR"]), env=env)
    _git(["update-ref", f"refs/tags/{version}", commit], cwd=Path(env["GIT_DIR"]), env=env)
    return commit


def _run(
    args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def _git(args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    result = _run(args, cwd=cwd, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()
