"""``scaffold new`` on a real terminal: the prompts answered in a pseudo-terminal (pexpect)."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import yaml

DOWN, ENTER, CLEAR_LINE = "\x1b[B", "\r", "\x15"


def test_prompts_pick_the_role_validate_answers_and_generate(tmp_path: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "scaffolder", "new", "proj"],
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 140),
    )
    child.expect("Which role is this portfolio repository for")
    child.send(DOWN + DOWN + ENTER)  # analyst -> data-engineer -> ml-engineer
    child.expect("The project's title")
    child.send(CLEAR_LINE + "../escape" + ENTER)  # refused by the validator, asked again
    child.expect("contains '..' or a path separator")
    child.send(CLEAR_LINE + "Pty Project" + ENTER)
    child.expect("The Python package")
    child.send(ENTER)  # keep the derived default
    while child.expect(["🎤", "Created "]) == 0:
        child.send(ENTER)  # every other question keeps its default
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    answers = yaml.safe_load((tmp_path / "proj" / ".copier-answers.yml").read_text())
    assert answers["role"] == "ml-engineer"
    assert answers["project_name"] == "Pty Project"
    assert answers["package_name"] == "pty_project"
    assert (tmp_path / "proj" / "src" / "pty_project").is_dir()
