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
from typing import Any

import pytest
import yaml

import scaffolder

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
    told = [
        "uv tool install scaffolder",
        "pipx install scaffolder",
        "python3 -m pip install --force-reinstall scaffolder",
        "uv tool upgrade scaffolder",
        'uvx --from "scaffolder==0.3.0" scaffold showcase',
        "https://pypi.org/project/scaffolder/",
        "scaffolder==0.3.0",
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
