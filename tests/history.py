"""A scaffolder source checkout with three template releases, for update tests.

0.1.0 is today's templates; 0.2.0 changes shared partials and adds a file; 0.3.0 changes one
more. The first two are releases, each recorded in ``releases.toml`` after its release commit
(and tagged, as a maintainer would); 0.3.0 is the working tree, as in a developer's checkout.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scaffolder.history import RELEASES_FILE
from scaffolder.store import TemplateStore

REPO_ROOT = Path(__file__).resolve().parent.parent
ROLE = "researcher"
# v0.2.0: lines that the update must bring in.
MAKEFILE_TARGET = "clean: ## Remove caches and outputs"
LICENSE_LINE_V2 = "Released under {{ license }}; see [LICENSE](LICENSE) for the terms."
NEW_FILE = "CONTRIBUTING.md"
# v0.3.0
GITIGNORE_LINE = "*.log"


@dataclass
class History:
    source: Path
    v1: TemplateStore  # a store that knows only 0.1.0 (what generated the project)
    latest: TemplateStore  # 0.1.0, 0.2.0 and 0.3.0


def source_checkout(root: Path, *, buildable: bool = False) -> Path:
    """A git checkout of scaffolder with release 0.1.0 recorded (with build files if asked)."""
    source = root / "scaffolder-src"
    ignore = shutil.ignore_patterns("__pycache__", "templates.bundle")
    shutil.copytree(REPO_ROOT / "scaffolder", source / "scaffolder", ignore=ignore)
    shutil.copytree(REPO_ROOT / "templates", source / "templates", ignore=ignore)
    if buildable:
        for name in ("pyproject.toml", "hatch_build.py", "README.md", "CHANGELOG.md", "LICENSE"):
            shutil.copy2(REPO_ROOT / name, source / name)
    set_version(source, "0.1.0")
    _git(source, "init", "--quiet", "--initial-branch=main")
    release(source, "0.1.0")
    return source


def change_templates_for_0_2_0(source: Path) -> None:
    """Shared partials change, one of them where users tend to edit; a role gains a file."""
    shared = source / "templates" / "_shared"
    _append(shared / "Makefile.jinja", f"\n{MAKEFILE_TARGET}\n\trm -rf .pytest_cache .ruff_cache\n")
    readme = shared / "README.md.jinja"
    readme.write_text(
        readme.read_text().replace("{{ license }}; see [LICENSE](LICENSE).", LICENSE_LINE_V2)
    )
    editorconfig = shared / "editorconfig.jinja"
    editorconfig.write_text(editorconfig.read_text().replace("indent_size = 4", "indent_size = 2"))
    (source / "templates" / ROLE / "template" / NEW_FILE).write_text("# Contributing\n")
    set_version(source, "0.2.0")


def change_templates_for_0_3_0(source: Path) -> None:
    _append(source / "templates" / "_shared" / "gitignore.jinja", f"\n# Logs\n{GITIGNORE_LINE}\n")
    set_version(source, "0.3.0")


def build_history(root: Path) -> History:
    source = source_checkout(root)
    v1 = TemplateStore.from_source(source)
    _ = v1.bundle  # build it now, while the checkout holds 0.1.0
    change_templates_for_0_2_0(source)
    release(source, "0.2.0")
    change_templates_for_0_3_0(source)
    return History(source=source, v1=v1, latest=TemplateStore.from_source(source))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def set_version(source: Path, version: str) -> None:
    init = source / "scaffolder" / "__init__.py"
    lines = [
        f'__version__ = "{version}"' if line.startswith("__version__") else line
        for line in init.read_text().splitlines()
    ]
    init.write_text("\n".join(lines) + "\n")


def release(source: Path, version: str) -> str:
    """Commit the release, then record it (README: Releasing) and tag it; returns its commit."""
    _git(source, "add", "--all")
    _git(source, "commit", "--quiet", "-m", f"Release {version}")
    commit = _git(source, "rev-parse", "HEAD").strip()
    record(source, version, commit)
    _git(source, "commit", "--quiet", "-m", f"Record release {version}")
    _git(source, "tag", f"v{version}", commit)
    return commit


def record(source: Path, version: str, commit: str) -> None:
    """Add ``version = commit`` to the checkout's release record."""
    path = source / RELEASES_FILE
    text = path.read_text() if path.is_file() else "[releases]\n"
    path.write_text(f'{text}"{version}" = "{commit}"\n')
    _git(source, "add", RELEASES_FILE)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def git(project: Path, *args: str) -> str:
    """``git ARGS`` in ``project``; its output (fails the test on a non-zero exit)."""
    return _git(project, *args)
