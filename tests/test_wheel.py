"""Tier 4: the released artifact. Build wheels, install them elsewhere, generate, then update.

Two releases are built from a scratch checkout exactly as a maintainer would: 0.1.0 from its
tag, then 0.2.0 (through an sdist, so the history must survive the sdist too). A project made
by 0.1.0's wheel in one virtual environment is updated by 0.2.0's wheel in another one, after
the first was deleted, with the network closed to everything but local files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import UV
from tests.history import (
    MAKEFILE_TARGET,
    NEW_FILE,
    ROLE,
    change_templates_for_0_2_0,
    release,
    source_checkout,
)

pytestmark = pytest.mark.slow

OFFLINE = {
    # Anything that tries the network fails fast; git may only read local files.
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "GIT_ALLOW_PROTOCOL": "file",
}


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=full_env, capture_output=True, text=True, check=False
    )


def ok(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = run(*args, cwd=cwd, env=env)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build(source: Path, out: Path, *, via_sdist: bool) -> Path:
    kind: list[str | Path] = [] if via_sdist else ["--wheel"]
    ok(UV, "build", *kind, "--quiet", "--out-dir", out, source, cwd=source)
    (wheel,) = out.glob("*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    venv.parent.mkdir(parents=True, exist_ok=True)
    ok(UV, "venv", "--quiet", venv, cwd=venv.parent)
    ok(
        UV,
        "pip",
        "install",
        "--quiet",
        "--python",
        venv / "bin" / "python",
        wheel,
        cwd=venv.parent,
        env={"UV_COMPILE_BYTECODE": "1"},
    )
    return venv / "bin" / "scaffold"


def test_new_with_one_release_then_update_with_the_next(tmp_path: Path) -> None:
    source = source_checkout(tmp_path, buildable=True)
    wheel_1 = build(source, tmp_path / "dist-0.1.0", via_sdist=False)
    change_templates_for_0_2_0(source)
    release(source, "0.2.0")
    wheel_2 = build(source, tmp_path / "dist-0.2.0", via_sdist=True)

    with zipfile.ZipFile(wheel_2) as archive:
        names = set(archive.namelist())
    assert {
        "scaffolder/templates.bundle",
        "scaffolder/templates/copier.yml",
        f"scaffolder/templates/{ROLE}/template/{NEW_FILE}",
    } <= names
    # Both licences, ours and the bundled fonts', where PEP 639 puts them (the sdist kept them).
    licenses = "scaffold_portfolio-0.2.0.dist-info/licenses/"
    assert {n.removeprefix(licenses) for n in names if n.startswith(licenses)} == {
        "LICENSE",
        "scaffolder/fonts/LICENSE-DejaVu.txt",
    }
    with zipfile.ZipFile(wheel_2) as archive:
        assert archive.read(f"{licenses}LICENSE").startswith(b"MIT License\n")
        metadata = archive.read("scaffold_portfolio-0.2.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT\n" in metadata

    work = tmp_path / "work"
    work.mkdir()
    scaffold_1 = install(wheel_1, tmp_path / "env-0.1.0")
    ok(scaffold_1, "new", "study", "--role", ROLE, "--defaults", cwd=work, env=OFFLINE)
    project = work / "study"
    readme = project / "README.md"
    title, rest = readme.read_text().split("\n", 1)
    readme.write_text(f"{title}\n\nMy own opening words.\n{rest}")
    ok("git", "commit", "--quiet", "-am", "My words", cwd=project)

    shutil.rmtree(tmp_path / "env-0.1.0")  # the environment that made the project is gone
    scaffold_2 = install(wheel_2, tmp_path / "elsewhere" / "env-0.2.0")
    assert run(scaffold_2, "check", cwd=project, env=OFFLINE).returncode == 4
    updated = ok(scaffold_2, "update", cwd=project, env=OFFLINE)
    assert "from template 0.1.0 to 0.2.0" in updated

    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert (project / NEW_FILE).is_file()
    assert "\nMy own opening words.\n" in readme.read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "0.2.0"
    ok("git", "commit", "--quiet", "-am", "Update", cwd=project)
    assert ok(scaffold_2, "check", cwd=project, env=OFFLINE) == "up to date: template 0.2.0\n"
