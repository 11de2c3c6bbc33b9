"""The documented exit codes (README, "Exit codes") are the ones the code uses, all of them."""

from __future__ import annotations

import re
from pathlib import Path

import click

from scaffolder import errors

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> dict[int, str]:
    """The README's exit-code table: code -> meaning."""
    section = README.read_text(encoding="utf-8").split("### Exit codes", 1)[1]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section.split("\n## ", 1)[0], re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


def test_the_readme_table_lists_exactly_the_codes_the_code_uses() -> None:
    constants = {
        name: value
        for name, value in vars(errors).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }
    used = set(constants.values()) | {click.UsageError.exit_code}  # 2: Click's usage errors
    assert len(set(constants.values())) == len(constants), constants  # no code means two things
    assert sorted(documented()) == sorted(used)
    assert sorted(documented()) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 70, 130]


def test_each_code_means_what_the_table_says() -> None:
    table = documented()
    assert table[errors.EXIT_OK] == "success"
    assert table[click.UsageError.exit_code] == "bad command-line usage"
    assert "conflicts" in table[errors.EXIT_CONFLICTS]
    assert "update is available" in table[errors.EXIT_UPDATE_AVAILABLE]
    assert ".copier-answers.yml" in table[errors.EXIT_ANSWERS_UNSOUND]
    assert "newer than this scaffolder" in table[errors.EXIT_PROJECT_AHEAD]
    assert "showcase --check" in table[errors.EXIT_SHOWCASE_STALE]
    assert "update --verify" in table[errors.EXIT_VERIFY_FAILED]
    assert "internal error" in table[errors.EXIT_INTERNAL]
    assert table[errors.EXIT_INTERRUPTED] == "interrupted"
    assert errors.ScaffolderError("x").exit_code == errors.EXIT_ERROR == 1
    assert errors.ProjectAheadError("x").exit_code == errors.EXIT_PROJECT_AHEAD
    assert errors.AnswersFileError("x").exit_code == errors.EXIT_ANSWERS_UNSOUND
    assert errors.UnresolvedConflictsError("x").exit_code == errors.EXIT_CONFLICTS
