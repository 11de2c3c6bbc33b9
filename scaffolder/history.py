"""The template history: every released version of ``templates/`` as one git bundle.

Copier can only update a project from a git template with version tags. A plain folder of
templates (what a wheel holds) has no history, so the wheel also ships ``templates.bundle``:
one commit per released scaffolder version (tags ``vX.Y.Z`` of this repository, taken from
their ``templates/`` tree) plus the templates being built, tagged with the package version.

Standard library and ``packaging`` only: the wheel build hook imports this module before
any of scaffolder's dependencies exist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from packaging.version import InvalidVersion, Version

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
RELEASE_TAG_PREFIX = "v"


def released_versions(source_root: Path) -> dict[Version, str]:
    """Release tags of a scaffolder checkout that carry templates: version -> tag name."""
    if not (source_root / ".git").exists():
        return {}
    listing = _git(
        ["tag", "--list", f"{RELEASE_TAG_PREFIX}*"], cwd=source_root, check=False
    ).splitlines()
    found: dict[Version, str] = {}
    for tag in listing:
        try:
            version = Version(tag.removeprefix(RELEASE_TAG_PREFIX))
        except InvalidVersion:
            continue
        has_templates = subprocess.run(
            ["git", "cat-file", "-e", f"{tag}:templates"],
            cwd=source_root,
            capture_output=True,
            check=False,
        )
        if has_templates.returncode == 0:
            found[version] = tag
    return found


def build_bundle(source_root: Path, version: str, out: Path) -> Path:
    """Write the template history of ``source_root`` (a scaffolder checkout) to ``out``.

    Released versions older than ``version`` come from their tags; ``version`` itself is the
    ``templates/`` folder as it is on disk now. Returns ``out``.
    """
    current = Version(version)
    releases = {v: t for v, t in released_versions(source_root).items() if v < current}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scaffolder-history-") as tmp:
        repo = Path(tmp) / "history.git"
        _git(["init", "--quiet", "--bare", str(repo)], cwd=Path(tmp))
        (repo / "info" / "exclude").write_text("\n".join(_IGNORED) + "\n")
        env = {"GIT_DIR": str(repo), **_GIT_IDENTITY}
        parent: str | None = None
        for release in sorted(releases):
            tag = releases[release]
            _git(
                [
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    str(source_root),
                    f"refs/tags/{tag}:refs/source/{tag}",
                ],
                cwd=Path(tmp),
                env=env,
            )
            tree = _git(["rev-parse", f"refs/source/{tag}:templates"], cwd=Path(tmp), env=env)
            parent = _commit(tree, parent, str(release), env)
        index_env = {
            **env,
            "GIT_INDEX_FILE": str(Path(tmp) / "index"),
            "GIT_WORK_TREE": str(source_root / "templates"),
        }
        # Only $GIT_DIR/info/exclude applies: a developer's global excludes must not drop files.
        _git(
            ["-c", f"core.excludesFile={os.devnull}", "add", "--all", "--", "."],
            cwd=source_root / "templates",
            env=index_env,
        )
        tree = _git(["write-tree"], cwd=source_root / "templates", env=index_env)
        head = _commit(tree, parent, version, env)
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


def _commit(tree: str, parent: str | None, version: str, env: Mapping[str, str]) -> str:
    args = ["commit-tree", tree, "-m", f"templates {version}"]
    if parent:
        args += ["-p", parent]
    commit = _git(args, cwd=Path(env["GIT_DIR"]), env=env)
    _git(["tag", version, commit], cwd=Path(env["GIT_DIR"]), env=env)
    return commit


def _git(
    args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None, check: bool = True
) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()
