"""Golden updates: a project of every role made by each released version (0.1.0, 0.2.0 from
the real bundle), edited by a user, updated to the current templates. The trees the update
leaves are recorded in ``trees.json`` as digests (path -> sha256 of the file's bytes and its
executable bit), with the conflicts, the unmerged index entries and the exit code.

Conflict-marker lines are compared without their labels: the update path may name the sides
differently (see CHANGELOG). Run with ``GOLDEN_RECORD=1`` to write the record instead of
checking it; a change of the record is a change of what users get from an update.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from jinja2_ansible_filters import core_filters  # type: ignore[import-untyped]

from scaffolder import gitrepo
from scaffolder.engines.copier_engine import render_bundled
from scaffolder.errors import EXIT_CONFLICTS, ScaffolderError
from scaffolder.store import TemplateStore
from scaffolder.update import update

RECORD = Path(__file__).with_name("trees.json")
ROLES = ["analyst", "data-engineer", "ml-engineer", "researcher"]
RELEASED = ["0.1.0", "0.2.0"]
ANSWERS = {
    "project_name": "Golden Study",
    "author_name": "Test Author",
    "author_email": "test@example.com",
}
FIXED_TIME = 1_767_225_600  # 2026-01-01: the copyright year every render gets
MARKER = re.compile(rb"^(<<<<<<<|\|\|\|\|\|\|\||>>>>>>>)( [^\n]*)?$", re.MULTILINE)
OWN_FILE = "notes/mine.md"


@pytest.fixture(autouse=True)
def _fixed_year(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(strftime=time.strftime, localtime=lambda *_: time.gmtime(FIXED_TIME))
    monkeypatch.setattr(core_filters, "time", clock)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def render(
    store: TemplateStore, dest: Path, answers: dict[str, Any], version: str
) -> dict[str, Any]:
    """Render ``version`` into ``dest``; returns the answers recorded."""
    return render_bundled(
        store, dest, data=answers, user_defaults={}, defaults=True, version=version
    )


def read(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def text_files(root: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and ".git" not in Path(relative).parts:
            data = path.read_bytes()
            if b"\0" not in data:
                found[relative] = data
    return found


def edit_as_a_user(project: Path, new: Path) -> dict[str, Any]:
    """Edits a user makes: one line the template also changes (a conflict), a line added at
    the end of the README (a clean merge), a file of their own, a file the template changes
    and one it does not deleted."""
    old_files, new_files = text_files(project), text_files(new)
    skip = {".copier-answers.yml", "README.md"}
    changed = [p for p in old_files if p in new_files and old_files[p] != new_files[p]]
    changed = [p for p in changed if p not in skip]
    unchanged = [p for p in old_files if new_files.get(p) == old_files[p] and p not in skip]
    first, at = next(
        (path, i)
        for path in changed
        for i, line in enumerate(old_files[path].decode().splitlines())
        if line.strip() and line not in new_files[path].decode().splitlines()
    )
    old_lines = old_files[first].decode().splitlines(keepends=True)
    old_lines[at] = old_lines[at].rstrip("\n") + "  # my edit\n"
    (project / first).write_text("".join(old_lines))
    changed.remove(first)
    with (project / "README.md").open("a") as readme:
        readme.write("\nMy own closing note.\n")
    (project / OWN_FILE).parent.mkdir(parents=True, exist_ok=True)
    (project / OWN_FILE).write_text("mine\n")
    deleted = changed[:1] + unchanged[:1]
    for gone in deleted:
        (project / gone).unlink()
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "My edits")
    return {"edited": f"{first}:{at + 1}", "deleted": deleted}


def digest(path: Path) -> str:
    if path.is_symlink():
        return "link:" + str(path.readlink())
    data = MARKER.sub(lambda m: m.group(1), path.read_bytes())
    mode = "x" if path.stat().st_mode & 0o111 else "-"
    return mode + hashlib.sha256(data).hexdigest()[:16]


def tree(project: Path) -> dict[str, str]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(project):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in sorted(filenames):
            path = Path(dirpath, name)
            found[path.relative_to(project).as_posix()] = digest(path)
    return dict(sorted(found.items()))


def updated(store: TemplateStore, root: Path, role: str, version: str) -> dict[str, Any]:
    project, new = root / "project", root / "new"
    recorded = render(store, project, {**ANSWERS, "role": role}, version)
    gitrepo.init_and_commit(project, author_name="Test Author", author_email="test@example.com")
    kept = {k: v for k, v in recorded.items() if not k.startswith("_") and k in read(project)}
    render(store, new, kept, store.version)  # what the update brings, for choosing the edits
    edits = edit_as_a_user(project, new)
    shutil.rmtree(root / "new")
    try:
        result = update(project, store=store)
        outcome: dict[str, Any] = {
            **edits,
            "exit": EXIT_CONFLICTS if result.conflicts else 0,
            "conflicts": sorted(result.conflicts),
        }
    except ScaffolderError as exc:
        outcome = {**edits, "exit": exc.exit_code, "error": exc.message}
    unmerged = git(project, "ls-files", "--unmerged").splitlines()
    outcome["unmerged"] = sorted(f"{line.split()[2]} {line.split(chr(9))[1]}" for line in unmerged)
    outcome["status"] = sorted(git(project, "status", "--porcelain").splitlines())
    outcome["tree"] = tree(project)
    return outcome


CASES = [(role, version) for version in RELEASED for role in ROLES]
pytestmark = pytest.mark.slow  # each case renders twice and updates: ~20 s


@pytest.mark.parametrize(("role", "version"), CASES)
def test_an_edited_project_of_a_released_version_updates_to_the_recorded_tree(
    store: TemplateStore, tmp_path: Path, role: str, version: str
) -> None:
    got = updated(store, tmp_path, role, version)
    assert got["exit"] in (0, EXIT_CONFLICTS), got.get("error")
    assert OWN_FILE in got["tree"]
    key = f"{role}@{version}"
    if os.environ.get("GOLDEN_RECORD"):
        recorded = json.loads(RECORD.read_text()) if RECORD.is_file() else {}
        recorded[key] = got
        RECORD.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n")
        return
    expected = json.loads(RECORD.read_text())[key]
    assert got == expected
