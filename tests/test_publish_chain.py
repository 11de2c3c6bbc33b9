"""Tier 4: the publish chain as a user's GitHub runner meets it, with a local package index.

The wheel is built from this checkout and served from a PEP 503 index on 127.0.0.1 (a
``simple/`` folder behind ``http.server``), so ``uvx --from "scaffold-portfolio==VERSION"`` in a
generated ``pages.yml`` resolves our wheel exactly as it would from PyPI after a release (its
dependencies still come from PyPI). For each role a generated project makes its evidence and
commits it; a fresh clone (what ``actions/checkout`` gives the runner) then runs the ``run:``
steps of its own workflows, read from the generated YAML: the Pages build passes ``--check``
and writes ``site/``, the CI check job passes, and evidence made stale fails the Pages job.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder import __version__
from scaffolder.errors import EXIT_SHOWCASE_STALE
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.conftest import UV, Cli
from tests.projects import SetUp, restore, sh

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "scaffold-portfolio"
ROLES = [
    pytest.param(role.name, id=role.name, marks=pytest.mark.xdist_group(f"{role.name}-defaults"))
    for role in list_roles(TemplateStore.installed())
]


class _Index(SimpleHTTPRequestHandler):
    """Serves the index folder and records each path asked for (to prove what uv fetched)."""

    requested: list[str]

    def log_message(self, format: str, *args: Any) -> None:  # the base class names it so
        self.requested.append(self.path)


def write_simple_index(root: Path, wheel: Path) -> None:
    """A PEP 503 simple index of one project with one file, its sha256 in the link."""
    project = root / "simple" / DISTRIBUTION
    project.mkdir(parents=True)
    shutil.copy2(wheel, project / wheel.name)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    name = html.escape(wheel.name)
    (root / "simple" / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{DISTRIBUTION}/">{DISTRIBUTION}</a></body></html>\n'
    )
    (project / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{name}#sha256={digest}">{name}</a></body></html>\n'
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The index URL with our freshly built wheel, and the log of paths requested from it."""
    root = tmp_path_factory.mktemp("index")
    sh(UV, "build", "--wheel", "--quiet", "--out-dir", str(root / "dist"), str(REPO_ROOT),
       cwd=REPO_ROOT)  # fmt: skip
    (wheel,) = (root / "dist").glob("*.whl")
    assert wheel.name == f"scaffold_portfolio-{__version__}-py3-none-any.whl"
    write_simple_index(root / "served", wheel)
    requested: list[str] = []
    handler = type("Index", (_Index,), {"requested": requested})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root / "served")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/", requested
    finally:
        server.shutdown()
        server.server_close()


def run_steps(job: dict[str, Any], checkout: Path, env: dict[str, str]) -> None:
    """The job's ``run:`` steps in order, as the runner runs them (bash -eo pipefail)."""
    for step in job["steps"]:
        if "run" in step:
            run_step(step, checkout, env, expect_ok=True)


def run_step(
    step: dict[str, Any], checkout: Path, env: dict[str, str], *, expect_ok: bool
) -> subprocess.CompletedProcess[str]:
    assert "${{" not in step["run"], step  # nothing here may need GitHub's expressions
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=checkout, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if expect_ok:
        assert result.returncode == 0, f"{step}\n{result.stdout}\n{result.stderr}"
    return result


def runner_env(index_url: str, tmp: Path) -> dict[str, str]:
    """What setup-uv leaves: uv and uvx on PATH; plus our index ahead of PyPI."""
    env = {**os.environ, "PATH": f"{Path(UV).resolve().parent}{os.pathsep}{os.environ['PATH']}"}
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_INDEX", "UV_DEFAULT_INDEX"):
        env.pop(name, None)
    # The first index that has a project is the only one asked for it (uv's default strategy):
    # scaffold-portfolio comes from ours, everything else from PyPI.
    env["UV_INDEX"] = index_url
    env["UV_TOOL_DIR"] = str(tmp / "uv-tools")  # uvx's tool environments, fresh per test
    env["UV_COMPILE_BYTECODE"] = "1"
    return env


def workflow(checkout: Path, name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((checkout / ".github" / "workflows" / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("role", ROLES)
def test_the_generated_pages_and_ci_steps_run_with_the_wheel_from_an_index(
    role: str,
    set_up_project: SetUp,
    cli: Cli,
    index: tuple[str, list[str]],
    tmp_path: Path,
) -> None:
    index_url, requested = index
    project = set_up_project(role, "defaults")
    try:
        sh("make", "evidence", cwd=project)
        assert cli("showcase", str(project)).code == 0
        sh("git", "add", "-A", cwd=project)
        sh("git", "commit", "-qm", "Evidence and showcase", cwd=project)

        # What actions/checkout gives the runner (fetch-depth: 0): the commits, nothing else.
        checkout = tmp_path / "runner"
        sh("git", "clone", "--quiet", str(project), str(checkout), cwd=tmp_path)
        env = runner_env(index_url, tmp_path)

        pages = workflow(checkout, "pages.yml")
        build = pages["jobs"]["build"]
        assert any(
            f'--from "{DISTRIBUTION}=={__version__}"' in s.get("run", "") for s in build["steps"]
        )
        requested.clear()
        # A cache of its own, as a fresh runner has: the wheel is fetched from our index, not
        # taken from what an earlier role's test left in the shared uv cache.
        pages_env = {**env, "UV_CACHE_DIR": str(tmp_path / "uv-cache")}
        for step in build["steps"]:
            if "run" not in step:
                continue
            if "scaffold showcase" in step["run"] and "--check" not in step["run"]:
                shutil.rmtree(checkout / "site")  # checked as committed; now it must be built
            run_step(step, checkout, pages_env, expect_ok=True)
        assert (checkout / "site" / "index.html").is_file()
        assert f"/simple/{DISTRIBUTION}/scaffold_portfolio-{__version__}-py3-none-any.whl" in (
            requested
        )  # our wheel, from our index
        assert sh("git", "status", "--porcelain", cwd=checkout) == ""  # the same page, rebuilt

        # The CI check job, on the same checkout: set up, format, lint, types, tests.
        run_steps(workflow(checkout, "ci.yml")["jobs"]["check"], checkout, env)

        # Evidence made stale by a change to what it was made from: the Pages job fails.
        manifest = yaml.safe_load((checkout / "showcase.yml").read_text())
        source = checkout / next(iter(manifest["evidence"].values()))["sources"][0]
        source = source if source.is_file() else next(source.rglob("*.py"))
        source.write_text(source.read_text() + "\n# changed after the evidence was made\n")
        sh("git", "commit", "-qam", "Change a source, not the evidence", "--no-verify",
           cwd=checkout)  # fmt: skip
        (check_step,) = [s for s in build["steps"] if "--check" in s.get("run", "")]
        stale = run_step(check_step, checkout, pages_env, expect_ok=False)
        assert stale.returncode == EXIT_SHOWCASE_STALE, stale.stdout + stale.stderr
        changed = source.relative_to(checkout).as_posix()
        assert f"{changed} changed since" in stale.stderr
        assert "; run make evidence" in stale.stderr
    finally:
        restore(project)
