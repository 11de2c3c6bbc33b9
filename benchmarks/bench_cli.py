"""Time ``scaffold`` against raw Copier on the same templates; print Markdown tables of medians.

    UV_COMPILE_BYTECODE=1 uv sync && uv run python benchmarks/bench_cli.py [--runs 7]

Every command runs as a fresh process, as a user would run it, with bytecode compiled (this
machine sets PYTHONDONTWRITEBYTECODE=1, which would otherwise recompile every import each run).
``scaffold new --no-git`` and ``copier copy`` do the same work (render one role from the template
history bundle); the ratio is the figure. ``scaffold update`` and ``copier update`` take the same
project from template 0.1.0 to 0.3.0. ``scaffold showcase`` runs on a repository whose evidence
exists (tests/showcase_project.py: one item of every kind): writing README region, page and
card from scratch, a second run that finds nothing to write, and ``--check``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scaffolder.engines.copier_engine import _git_config_env  # noqa: E402 - after the path is set
from scaffolder.generate import generate  # noqa: E402
from scaffolder.roles import list_roles  # noqa: E402
from scaffolder.store import CANONICAL_URL, TemplateStore  # noqa: E402
from tests.history import build_history  # noqa: E402
from tests.showcase_project import make_project  # noqa: E402

BIN = Path(sys.executable).parent


def median_seconds(
    command: Callable[[int], list[str]],
    runs: int,
    *,
    env: dict[str, str],
    cwd: Path,
    before: Callable[[int], None] | None = None,
) -> float:
    times = []
    for i in range(runs):
        if before:
            before(i)
        start = time.perf_counter()
        subprocess.run(command(i), cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    compileall.compile_dir(ROOT / "scaffolder", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-"))
    env = {**os.environ, "COPIER_CACHE_DIR": str(work / "copier-cache")}
    store = TemplateStore.installed()
    copier_env = {**env, **_git_config_env(store.git_config(), env)}

    help_time = median_seconds(lambda i: [str(BIN / "scaffold"), "--help"], runs, env=env, cwd=work)
    print(f"`scaffold --help`: median {help_time * 1000:.0f} ms over {runs} runs\n")

    print("| role | `scaffold new --no-git` | `copier copy` | ratio | `scaffold new` (with git) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in [role.name for role in list_roles(store)]:
        out = out_dir(work / name)
        scaffold_new = [str(BIN / "scaffold"), "new", "--role", name, "--defaults"]
        new = median_seconds(numbered([*scaffold_new, "--no-git"], "new"), runs, env=env, cwd=out)
        copier_copy = [
            str(BIN / "copier"),
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--vcs-ref",
            store.version,
            "--data",
            f"role={name}",
            "--data",
            "project_name=bench",
            CANONICAL_URL,
        ]
        copy = median_seconds(numbered(copier_copy, "copy"), runs, env=copier_env, cwd=out)
        with_git = median_seconds(numbered(scaffold_new, "git"), runs, env=env, cwd=out)
        print(f"| {name} | {new:.2f} s | {copy:.2f} s | {new / copy:.2f} | {with_git:.2f} s |")

    history = build_history(work / "history")
    compileall.compile_dir(history.source / "scaffolder", quiet=1)
    dev_env = {**env, "PYTHONPATH": str(history.source)}
    history_env = {**dev_env, **_git_config_env(history.latest.git_config(), dev_env)}
    print("\n| role | `scaffold update` | `copier update` | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for role in list_roles(store):
        project = work / "updates" / role.name
        generate(project, role=role.name, store=history.v1)

        def reset(_: int, project: Path = project) -> None:
            subprocess.run(["git", "reset", "--quiet", "--hard"], cwd=project, check=True)
            subprocess.run(["git", "clean", "-fdq"], cwd=project, check=True)

        update = median_seconds(
            same([sys.executable, "-m", "scaffolder", "update"]),
            runs,
            env=dev_env,
            cwd=project,
            before=reset,
        )
        copier_update = median_seconds(
            same(
                [
                    str(BIN / "copier"),
                    "update",
                    "--trust",
                    "--defaults",
                    "--quiet",
                    "--skip-answered",
                    "--vcs-ref",
                    "0.3.0",
                ]
            ),
            runs,
            env=history_env,
            cwd=project,
            before=reset,
        )
        print(
            f"| {role.name} | {update:.2f} s | {copier_update:.2f} s "
            f"| {update / copier_update:.2f} |"
        )
    bench_showcase(work, store, env, runs)
    shutil.rmtree(work, ignore_errors=True)


def bench_showcase(work: Path, store: TemplateStore, env: dict[str, str], runs: int) -> None:
    project = make_project(work / "showcase" / "lab", store)
    command = [str(BIN / "scaffold"), "showcase"]

    def fresh(_: int) -> None:
        shutil.rmtree(project / "site", ignore_errors=True)
        subprocess.run(["git", "checkout", "--quiet", "--", "README.md"], cwd=project, check=True)

    write = median_seconds(same(command), runs, env=env, cwd=project, before=fresh)
    again = median_seconds(same(command), runs, env=env, cwd=project)
    check = median_seconds(same([*command, "--check"]), runs, env=env, cwd=project)
    print("\n| `scaffold showcase` | median |")
    print("| --- | ---: |")
    print(f"| writes README region, page, card | {write:.2f} s |")
    print(f"| second run (nothing to write) | {again:.2f} s |")
    print(f"| `--check` | {check:.2f} s |")


def out_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def numbered(command: list[str], prefix: str) -> Callable[[int], list[str]]:
    """``command`` with a fresh destination folder per run (``prefix-0``, ``prefix-1``, ...)."""
    return lambda i: [*command, f"{prefix}-{i}"]


def same(command: list[str]) -> Callable[[int], list[str]]:
    return lambda _: command


if __name__ == "__main__":
    main()
