"""Tier 3: each role, generated, installed and checked by its own tools, exactly as a user would.

For every role, with default answers and with the heaviest answers (the longest package name
and, for each role question, its last choice): ``make setup``, ``make check``, the formatter
must change nothing, every pre-commit hook passes, and ``make run`` does the role's main job.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scaffolder.generate import generate
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.conftest import UV, Cli
from tests.templates.matrix import LONG_NAME, choices_of

pytestmark = pytest.mark.slow


def heaviest(role_name: str, store: TemplateStore) -> dict[str, Any]:
    """The long name, a non-default license, and each role question's last choice."""
    role = next(r for r in list_roles(store) if r.name == role_name)
    answers: dict[str, Any] = {**LONG_NAME, "license": "Apache-2.0"}
    for key, spec in role.questions.items():
        if isinstance(spec, dict) and spec.get("type") == "bool":
            answers[key] = True
        elif choices := choices_of(spec):
            answers[key] = choices[-1]
    return answers


CASES = [
    pytest.param(role.name, variant, id=f"{role.name}-{variant}")
    for role in list_roles(TemplateStore.installed())
    for variant in ("defaults", "heaviest")
]


def sh(*args: str, cwd: Path) -> str:
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1"}
    env.pop("VIRTUAL_ENV", None)  # the project's own environment, not the test runner's
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize(("role", "variant"), CASES)
def test_generated_project_is_green_on_arrival(
    role: str, variant: str, tmp_path: Path, store: TemplateStore
) -> None:
    answers = heaviest(role, store) if variant == "heaviest" else {}
    project = tmp_path / f"my-{role}-portfolio"
    generate(project, role=role, data=answers, store=store)

    sh("make", "setup", cwd=project)
    assert (project / ".git" / "hooks" / "pre-commit").is_file()
    sh("make", "check", cwd=project)

    sh(UV, "run", "--frozen", "ruff", "format", ".", cwd=project)
    sh(UV, "run", "--frozen", "pre-commit", "run", "--all-files", cwd=project)
    status = sh("git", "status", "--porcelain", cwd=project).splitlines()
    assert status == ["?? uv.lock"], "formatter or hooks changed files:\n" + "\n".join(status)

    sh("make", "run", cwd=project)


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
