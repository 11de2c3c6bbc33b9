"""Generated, set-up projects shared by every tier: one per role and variant per session.

``set_up_project`` (a session fixture in ``tests/conftest.py``) generates a role and runs its
``make setup`` once; tests that change the project put it back with ``restore``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scaffolder.generate import generate
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.templates.matrix import LONG_NAME, choices_of

# The uv running the suite (uv run sets UV), else the one on PATH: the README installs it
# into .uv/ without putting it on PATH.
UV = os.environ.get("UV") or shutil.which("uv") or "uv"


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


def sh(*args: str, cwd: Path) -> str:
    # uv on PATH, as the README tells a user to put it: the generated git hooks call `uv run`.
    path = os.pathsep.join([str(Path(UV).resolve().parent), os.environ["PATH"]])
    # A temporary folder of the command's own: the project's pytest prunes old pytest-of-<user>
    # folders under TMPDIR, which races with this run's and the other workers' (a PytestWarning,
    # an error under the project's filterwarnings). Short, under the system's temporary folder:
    # Chromium puts a Unix socket in it, and a socket's path holds at most 107 bytes.
    with tempfile.TemporaryDirectory(prefix="proj-") as tmp:
        env = {**os.environ, "UV_COMPILE_BYTECODE": "1", "PATH": path, "TMPDIR": tmp}
        env.pop("VIRTUAL_ENV", None)  # the project's own environment, not the test runner's
        result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


SetUp = Callable[[str, str], Path]
# Where a set-up project's commit is kept (not a branch or a tag: a clone does not copy it).
SET_UP_REF = "refs/tests/set-up"


def make_set_up(tmp_path_factory: pytest.TempPathFactory, store: TemplateStore) -> SetUp:
    """Each role and variant generated and ``make setup`` once per session, then shared.

    Tests that change a project put it back (``restore``) so the next one starts from the
    generated, set-up state.
    """
    made: dict[tuple[str, str], Path] = {}

    def get(role: str, variant: str) -> Path:
        if (role, variant) not in made:
            answers = heaviest(role, store) if variant == "heaviest" else {}
            project = tmp_path_factory.mktemp(f"{role}-{variant}") / f"my-{role}-portfolio"
            generate(project, role=role, data=answers, store=store)
            sh("make", "setup", cwd=project)
            # As `scaffold new --setup` leaves it: the lock committed, so evidence made now is
            # not marked as made from uncommitted changes.
            sh("git", "add", "uv.lock", cwd=project)
            sh("git", "commit", "-qm", "Lock the environment: uv.lock from make setup", cwd=project)
            sh("git", "update-ref", SET_UP_REF, "HEAD", cwd=project)
            made[role, variant] = project
        return made[role, variant]

    return get


def restore(project: Path) -> None:
    """Back to the set-up commit (uv.lock committed), whatever a test committed on top;
    ignored files (the environment) stay."""
    sh("git", "reset", "-q", "--hard", SET_UP_REF, cwd=project)
    sh("git", "clean", "-fdq", cwd=project)
