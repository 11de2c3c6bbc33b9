"""What ``scaffold new`` tells the user to run next (scaffolder.setup_env.next_step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.setup_env import next_step, setup_command


def test_a_roles_project_is_set_up_then_checked_or_checked_then_run(tmp_path: Path) -> None:
    assert next_step(tmp_path, set_up=False, role=True) == "make setup && make check"
    assert next_step(tmp_path, set_up=True, role=True) == "make check && make run"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"Makefile": "setup: ## install\n\tuv sync\n", "pyproject.toml": ""}, "make setup"),
        ({"Makefile": "test:\n\tpytest\n", "pyproject.toml": ""}, "uv sync"),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, "uv sync"),
        ({"README.md": "hello\n"}, None),
    ],
)
def test_a_template_project_is_set_up_as_its_files_say(
    tmp_path: Path, files: dict[str, str], expected: str | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert next_step(tmp_path, set_up=False, role=False) == expected
    shown = setup_command(tmp_path)
    assert (None if shown is None else " ".join(shown)) == expected
    # Set up already by --setup: nothing left to run.
    assert next_step(tmp_path, set_up=True, role=False) is None
