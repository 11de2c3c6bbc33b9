"""Time ``scaffold`` against raw Copier on the same templates; print Markdown tables of medians.

    UV_COMPILE_BYTECODE=1 uv sync && uv run python benchmarks/bench_cli.py [--runs 7]

Every command runs as a fresh process, as a user would run it, with bytecode compiled (this
machine sets PYTHONDONTWRITEBYTECODE=1, which would otherwise recompile every import each run).
``scaffold new --no-git`` and ``copier copy`` do the same work (render one role from the template
history bundle); the ratio is the figure. ``scaffold update`` and ``copier update`` take the same
project from template 0.1.0 to 0.3.0, through today's path and, side by side, the path before
one update mechanism (Copier's ``run_update``; scaffolder as of ``--old REF``); ``scaffold
update --verify`` (the role's ``make check`` in the worktree) is timed on its own.
``scaffold showcase`` runs on a repository whose evidence
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
from tests.history import build_history, set_version  # noqa: E402
from tests.showcase_project import make_project  # noqa: E402

BIN = Path(sys.executable).parent
# The last commit whose role updates went through Copier's run_update (before one mechanism).
OLD_UPDATE_PATH = "8f19940"


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
    parser.add_argument(
        "--old", default=OLD_UPDATE_PATH, help="the commit whose scaffolder is the old update path"
    )
    parser.add_argument("--only-update", action="store_true", help="time only scaffold update")
    args = parser.parse_args()
    runs = args.runs
    compileall.compile_dir(ROOT / "scaffolder", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-"))
    env = {**os.environ, "COPIER_CACHE_DIR": str(work / "copier-cache")}
    store = TemplateStore.installed()
    copier_env = {**env, **_git_config_env(store.git_config(), env)}

    if args.only_update:
        bench_update(work, store, env, runs, args.old)
        shutil.rmtree(work, ignore_errors=True)
        return
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

    bench_update(work, store, env, runs, args.old)
    bench_showcase(work, store, env, runs)
    shutil.rmtree(work, ignore_errors=True)


def bench_update(
    work: Path, store: TemplateStore, env: dict[str, str], runs: int, old: str
) -> None:
    """``scaffold update`` 0.1.0 -> 0.3.0 of each role's project: today's path, the old path
    (scaffolder at commit ``old``, same templates and bundle), raw ``copier update``; then
    ``--verify`` once per role on its own."""
    history = build_history(work / "history")
    old_source = work / "old-source"
    shutil.copytree(history.source, old_source, symlinks=True)
    shutil.rmtree(old_source / "scaffolder")
    archive = subprocess.run(
        ["git", "archive", old, "scaffolder"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x"], cwd=old_source, input=archive, check=True)
    set_version(old_source, "0.3.0")
    for source in (history.source, old_source):
        compileall.compile_dir(source / "scaffolder", quiet=1)
    dev_env = {**env, "PYTHONPATH": str(history.source)}
    old_env = {**env, "PYTHONPATH": str(old_source)}
    history_env = {**dev_env, **_git_config_env(history.latest.git_config(), dev_env)}
    print(f"\n| role | `scaffold update` | old path ({old}) | new / old | `copier update` |")
    print("| --- | ---: | ---: | ---: | ---: |")
    verify_times = {}
    for role in list_roles(store):
        project = work / "updates" / role.name
        generate(project, role=role.name, store=history.v1)

        def reset(_: int, project: Path = project) -> None:
            subprocess.run(["git", "reset", "--quiet", "--hard"], cwd=project, check=True)
            subprocess.run(["git", "clean", "-fdq"], cwd=project, check=True)

        scaffold_update = same([sys.executable, "-m", "scaffolder", "update"])
        times: dict[str, list[float]] = {}
        for _ in range(runs):  # interleaved, so a busy machine slows both paths alike
            for label, run_env in (("new", dev_env), ("old", old_env)):
                times.setdefault(label, []).append(
                    median_seconds(scaffold_update, 1, env=run_env, cwd=project, before=reset)
                )
        update, old_update = (statistics.median(times[k]) for k in ("new", "old"))
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
            f"| {role.name} | {update:.2f} s | {old_update:.2f} s | {update / old_update:.2f} "
            f"| {copier_update:.2f} s |"
        )
        reset(0)
        start = time.perf_counter()
        done = subprocess.run(
            [*scaffold_update(0), "--verify"], cwd=project, env=dev_env, capture_output=True
        )
        verify_times[role.name] = (time.perf_counter() - start, done.returncode)
    print("\n| role | `scaffold update --verify` (make check in the worktree, one run) | exit |")
    print("| --- | ---: | ---: |")
    for name, (seconds, code) in verify_times.items():
        print(f"| {name} | {seconds:.1f} s | {code} |")


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
