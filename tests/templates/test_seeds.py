"""Each synthetic role's tests and claims hold for any data seed, not just the default one.

The ``data_seed`` answer (default derived from the project name) makes every user's numbers
their own; a claim that held only for the seed the template was written with would fail a
user. Each synthetic role is rendered again with two more seeds and its own test suite runs
there, on the environment of the session's shared, set-up project of that role (the
dependencies do not depend on the seed, so no second ``uv sync``): three seeds in all.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from scaffolder.generate import generate
from scaffolder.store import TemplateStore
from tests.projects import SetUp

SYNTHETIC = ("analyst", "data-engineer", "ml-engineer")
OTHER_SEEDS = (1, 987_654_321)


def _answers(project: Path) -> str:
    return (project / ".copier-answers.yml").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    "role",
    # On the worker that set up the role's project for the other tiers (--dist loadgroup).
    [pytest.param(role, marks=pytest.mark.xdist_group(f"{role}-defaults")) for role in SYNTHETIC],
)
def test_the_role_s_own_tests_pass_with_other_seeds(
    role: str, set_up_project: SetUp, store: TemplateStore, tmp_path: Path
) -> None:
    base = set_up_project(role, "defaults")
    python = base / ".venv" / "bin" / "python"
    default_seed = next(
        line.split(":", 1)[1].strip()
        for line in _answers(base).splitlines()
        if line.startswith("data_seed:")
    )
    for seed in OTHER_SEEDS:
        assert str(seed) != default_seed
        project = tmp_path / f"seed-{seed}" / base.name
        generate(project, role=role, data={"data_seed": seed}, store=store)
        assert f"data_seed: {seed}" in _answers(project)
        # The lock make setup wrote (the manifest names it as a source of the evidence).
        (project / "uv.lock").write_bytes((base / "uv.lock").read_bytes())
        # The seed reached the project: some tracked file besides the answers differs.
        tracked = subprocess.run(
            ["git", "ls-files"], cwd=base, capture_output=True, text=True, check=True
        ).stdout.split()
        differ = [
            name
            for name in tracked
            if name != ".copier-answers.yml"
            and (project / name).is_file()
            and (project / name).read_bytes() != (base / name).read_bytes()
        ]
        assert differ, f"data_seed={seed} changed no file of the {role} project"
        with tempfile.TemporaryDirectory(prefix="seed-") as tmp:
            env = {
                **os.environ,
                "PYTHONPATH": str(project / "src"),
                "TMPDIR": tmp,
                "PATH": os.pathsep.join([str(python.parent), os.environ["PATH"]]),
            }
            env.pop("VIRTUAL_ENV", None)
            ran = subprocess.run(
                [str(python), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        assert ran.returncode == 0, (
            f"{role}, data_seed={seed}:\n{ran.stdout[-4000:]}\n{ran.stderr[-2000:]}"
        )
