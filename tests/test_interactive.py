"""``scaffold new`` as a person runs it: prompts in a pseudo-terminal (pexpect), and Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
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


# `scaffold new` with every rendered file slowed down a little, so that the signal lands in the
# middle of the render however busy the machine is: on a loaded machine the real render could
# finish between two looks at the staging folder, every time.
NEW_ML_ENGINEER = ("new", "proj", "--role", "ml-engineer", "--defaults")
_SLOW_RENDER_NEW = """
import time
from copier import _main
render_file = _main.Worker._render_file
def slow_render_file(self, *args, **kwargs):
    time.sleep(0.05)
    return render_file(self, *args, **kwargs)
_main.Worker._render_file = slow_render_file
from scaffolder.cli import main
main()
"""


def test_ctrl_c_during_new_leaves_no_half_written_folder(tmp_path: Path) -> None:
    """A real SIGINT, sent while the project exists only in its staging folder."""
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_RENDER_NEW, *NEW_ML_ENGINEER],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if list(tmp_path.glob(".scaffold-new-*/*")):  # rendering has begun
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.002)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.endswith("interrupted: nothing was left half-written\n")
    assert list(tmp_path.iterdir()) == []
