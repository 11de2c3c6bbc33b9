"""Tier 3: each role, generated, installed and checked by its own tools, exactly as a user would.

For every role, with default answers and with the heaviest answers (the longest package name
and, for each role question, its last choice): ``make setup``, ``make check``, the formatter
must change nothing, every pre-commit hook passes, and ``make run`` does the role's main job.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.errors import EXIT_SHOWCASE_STALE
from scaffolder.showcase.values import formatted
from scaffolder.generate import generate
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.conftest import UV, Cli
from tests.projects import SetUp, restore, sh
from tests.page_check import check_page
from tests.templates.matrix import LONG_NAME, choices_of

pytestmark = pytest.mark.slow


CASES = [
    pytest.param(
        role.name,
        variant,
        id=f"{role.name}-{variant}",
        # One worker sets up each project, and every test that uses it runs there
        # (--dist loadgroup, in pyproject's addopts).
        marks=pytest.mark.xdist_group(f"{role.name}-{variant}"),
    )
    for role in list_roles(TemplateStore.installed())
    for variant in ("defaults", "heaviest")
]
SHOWCASE_CASES = [case for case in CASES if case.values[1] == "defaults"]


@pytest.mark.parametrize(("role", "variant"), CASES)
def test_generated_project_is_green_on_arrival(
    role: str, variant: str, set_up_project: SetUp
) -> None:
    project = set_up_project(role, variant)
    assert (project / ".git" / "hooks" / "pre-commit").is_file()
    sh("make", "check", cwd=project)

    sh(UV, "run", "--frozen", "ruff", "format", ".", cwd=project)
    sh(UV, "run", "--frozen", "pre-commit", "run", "--all-files", cwd=project)
    status = sh("git", "status", "--porcelain", cwd=project).splitlines()
    assert status == [], "formatter or hooks changed files:\n" + "\n".join(status)

    sh("make", "run", cwd=project)
    restore(project)


def expected_headline(project: Path) -> list[str]:
    """Each headline number as read straight from its evidence file (an oracle of our own)."""
    manifest = yaml.safe_load((project / "showcase.yml").read_text())
    found = []
    for headline in manifest["headline"]:
        item = manifest["evidence"][headline["evidence"]]
        path = project / item["path"]
        if item["kind"] == "metrics":
            value: Any = json.loads(path.read_text())
            for part in headline["key"].split("."):
                value = value[part]
        elif item["kind"] == "table":
            rows = list(csv.DictReader(io.StringIO(path.read_text())))
            first = next(iter(rows[0]))
            value = next(r for r in rows if r[first] == headline["row"])[headline["column"]]
        else:  # claims
            rows = list(csv.DictReader(io.StringIO(path.read_text())))
            key, _, kind = headline["key"].partition(".")
            counted = [r for r in rows if not kind or r["kind"] == kind]
            passed = sum(r["status"] == "pass" for r in counted)
            total = len(counted)
            value = {
                "ratio": f"{passed}/{total}",
                "passed": passed,
                "failed": total - passed,
                "total": total,
            }[key]
        # The value is read here independently; its presentation is showcase's own rule.
        found.append(formatted(value, headline.get("format", ""), headline.get("unit", "")))
    return found


def hashes(project: Path) -> dict[str, str]:
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted([project / "README.md", *(project / "site").rglob("*")])
        if p.is_file()
    }


@pytest.mark.parametrize(("role", "variant"), SHOWCASE_CASES)
def test_showcase_of_the_generated_project(
    role: str, variant: str, set_up_project: SetUp, cli: Cli, tmp_path: Path
) -> None:
    """make evidence, scaffold showcase: the real numbers on README and page, in a browser."""
    project = set_up_project(role, variant)
    try:
        sh("make", "evidence", cwd=project)
        sh(UV, "run", "--frozen", "python", "-m", package_of(project), "check", cwd=project)
        result = cli("showcase", str(project))
        assert result.code == 0, result.err
        assert result.err == ""  # fresh evidence: no warnings

        text = (project / "README.md").read_text()
        region = text.split("<!-- showcase:start -->", 1)[1].split("<!-- showcase:end -->")[0]
        page = (project / "site" / "index.html").read_text()
        for number in expected_headline(project):
            assert f"**{number}**" in region
            assert number in page
        assert "### Skills demonstrated" in region

        verdict = check_page(project / "site", tmp_path / f"{role}-page.png")
        assert verdict.console_errors == []
        assert verdict.outside_requests == []
        assert verdict.broken_images == []
        assert verdict.violations == []

        first = hashes(project)
        assert cli("showcase", str(project)).out.startswith("Nothing to write")
        assert hashes(project) == first
        assert cli("showcase", str(project), "--check").code == 0

        # Committed as a user commits it, through the project's own pre-commit hooks: a hook
        # that rewrote a byte of the evidence or the page would fail the commit and make the
        # evidence stale.
        sh("git", "add", "-A", cwd=project)
        sh("git", "commit", "-qm", "Evidence and showcase", cwd=project)
        assert sh("git", "status", "--porcelain", cwd=project) == ""
        assert cli("showcase", str(project), "--check").code == 0

        # A config or source that makes evidence changes: --check names it.
        manifest = yaml.safe_load((project / "showcase.yml").read_text())
        source = next(iter(manifest["evidence"].values()))["sources"][0]
        target = project / source
        target = target if target.is_file() else next(p for p in target.rglob("*.py"))
        target.write_text(target.read_text() + "\n# touched\n")
        stale = cli("showcase", str(project), "--check")
        assert stale.code == EXIT_SHOWCASE_STALE
        assert "changed since" in stale.err
        assert "make evidence" in stale.err
    finally:
        restore(project)


def package_of(project: Path) -> str:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return f"{answers['package_name']}.evidence"


def test_new_with_setup_installs_the_environment_and_commits_the_lock(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the README runs it: uv is not on PATH, but ``uv run`` names itself in UV."""
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "uv").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    monkeypatch.setenv("UV", str(Path(UV).resolve()))
    dest = tmp_path / "study"
    result = cli("new", str(dest), "--role", "researcher", "--defaults", "--setup")
    assert result.code == 0, result.err
    assert result.err.endswith("Environment and git hooks installed, uv.lock committed.\n")
    assert (dest / ".venv" / "bin" / "python").is_file()
    assert (dest / ".git" / "hooks" / "pre-commit").is_file()
    assert sh("git", "status", "--porcelain", cwd=dest) == ""
    assert sh("git", "log", "--format=%s", cwd=dest).splitlines() == [
        "Lock the environment: uv.lock from make setup",
        "Initial commit from scaffold new",
    ]
