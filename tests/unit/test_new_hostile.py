"""scaffold new against a hostile machine and hostile input: the user's git configuration, a
full disk, titles and answers that are not one line of text."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from plumbum import local

from tests.conftest import Cli

IDENTITY = "[user]\n\tname = Test Author\n\temail = test@example.com\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize(
    "config",
    [
        "[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = false\n",  # a key that cannot sign
        "[core]\n\tautocrlf = true\n\tsafecrlf = true\n",  # refuses LF files
        "[core]\n\thooksPath = {hooks}\n",  # a post-commit hook that fails
    ],
    ids=["gpg signing without a key", "autocrlf with safecrlf", "failing hooks"],
)
def test_the_users_git_config_does_not_break_the_first_commit(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("pre-commit", "commit-msg", "post-commit"):
        (hooks / hook).write_text(f"#!/bin/sh\necho {hook} >> '{tmp_path / 'hooks-ran'}'\nexit 1\n")
        (hooks / hook).chmod(0o755)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(IDENTITY + config.format(hooks=hooks))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    dest = tmp_path / "study"
    with local.env(GIT_CONFIG_GLOBAL=str(gitconfig)):  # Copier's git reads it too
        result = cli("new", str(dest), "--role", "researcher", "--defaults")
    assert result.code == 0, result.err
    assert git(dest, "log", "--format=%s %G?") == "Initial commit from scaffold new N\n"
    assert not (tmp_path / "hooks-ran").exists()  # scaffolder's own commit runs no hook
    assert git(dest, "status", "--porcelain") == ""  # clean under the user's own settings
    answers = dest / ".copier-answers.yml"
    assert git(dest, "show", "HEAD:.copier-answers.yml").encode() == answers.read_bytes()


# Copier leaves its folder-walking generator open when a write fails; Python reports it later.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <posix.ScandirIterator:pytest.PytestUnraisableExceptionWarning"
)
def test_a_full_disk_is_one_line_and_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.write_bytes
    written: list[Path] = []

    def write_until_full(self: Path, data: Any) -> int:
        written.append(self)
        if len(written) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_until_full)
    result = cli("new", str(tmp_path / "study"), "--role", "researcher", "--defaults")
    assert (result.code, result.out, result.err) == (
        1,
        "",
        f"error: the disk is full (No space left on device: {written[3]}); free some space and "
        "run the command again (nothing was left behind)\n",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--data", "project_name=Loan\nRisk"],
            "the project name 'Loan\\nRisk' holds a control character (\\n); give one line of "
            "plain text",
        ),
        (
            ["--data", "description=Risk\rscores"],
            "the description 'Risk\\rscores' holds a control character (\\r); give one line of "
            "plain text",
        ),
        (
            ["--data", "author_name=Ada\x00Lovelace"],
            "the author name 'Ada\\x00Lovelace' holds a control character (\\x00); give one "
            "line of plain text",
        ),
    ],
)
def test_answers_that_are_not_one_line_are_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("new", "study", "--role", "researcher", "--defaults", *args)
    assert (result.code, result.out, result.err) == (1, "", f"error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_name_holding_a_line_break_is_refused_as_a_title(cli: Cli, tmp_path: Path) -> None:
    result = cli("new", str(tmp_path / "Loan\nRisk"), "--role", "researcher", "--defaults")
    assert (result.code, result.err) == (
        1,
        "error: the project name 'Loan\\nRisk' holds a control character (\\n); give one line "
        "of plain text\n",
    )
    assert list(tmp_path.iterdir()) == []
