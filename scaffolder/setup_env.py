"""``scaffold new --setup``: install the generated project's environment and git hooks.

The generated Makefile's ``setup`` target is the one definition of what setting up means; this
module runs it and reports progress, so ``--setup`` and ``make setup`` can never drift apart.
A third-party template's project is set up the same way when its Makefile has a ``setup``
target; without one, a ``pyproject.toml`` is set up as uv understands it (``uv sync``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from scaffolder import gitrepo
from scaffolder.errors import ScaffolderError

LOCK_COMMIT_MESSAGE = "Lock the environment: {files} from {command}"
# pip refuses to install into a Python its OS manages (PEP 668: Debian, Ubuntu, Homebrew),
# except into a --target folder.
UV_INSTALL_HINT = (
    "pipx install uv, or python3 -m pip install --target ~/.uv uv and add ~/.uv/bin to PATH"
)


def find_uv() -> str | None:
    """The uv that runs us (``uv run`` and ``uvx`` set ``UV``), else the one on PATH."""
    named = os.environ.get("UV")
    if named and os.access(named, os.X_OK):
        return named
    return shutil.which("uv")


def setup_command(project: Path) -> list[str] | None:
    """How ``project`` is set up: ``make setup``, ``uv sync`` (a pyproject only), or not at all."""
    makefile = project / "Makefile"
    if makefile.is_file() and re.search(
        r"^setup\s*:", makefile.read_text(encoding="utf-8", errors="replace"), re.MULTILINE
    ):
        return ["make", "setup"]
    if (project / "pyproject.toml").is_file():
        return ["uv", "sync"]
    return None


def next_step(project: Path, *, set_up: bool, role: bool) -> str | None:
    """What the user runs next in a project ``scaffold new`` just made (None: nothing).

    A role's project is checked and run (after ``make setup`` unless ``--setup`` did it); a
    third-party template's project is set up as :func:`setup_command` says, if at all.
    """
    if role:
        return "make check && make run" if set_up else "make setup && make check"
    how = None if set_up else setup_command(project)
    return None if how is None else " ".join(how)


def setup_project(
    project: Path,
    *,
    commit_as: tuple[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> list[str]:
    """Set up ``project`` (:func:`setup_command`); returns the files it committed. Fails with
    the log's last line.

    With ``commit_as`` (author name, email), what setup wrote (the ``uv.lock``) is committed,
    so the new repository is clean and its environment reproducible from its first push.
    """
    command = setup_command(project)
    if command is None:
        raise ScaffolderError(
            f"--setup: {project} has neither a Makefile with a setup target nor a "
            "pyproject.toml; set it up as its README says (the project itself was created)"
        )
    uv = find_uv()
    shown = " ".join(command)
    for tool, found, how in (
        (
            "make",
            shutil.which("make") if command[0] == "make" else "-",
            "install make (apt-get install make)",
        ),
        ("uv", uv, f"install uv ({UV_INSTALL_HINT})"),
    ):
        if found is None:
            raise ScaffolderError(
                f"--setup needs {tool}, which is not on PATH; {how}, then run {shown} in "
                f"{project} (the project itself was created)"
            )
    if command[0] == "uv":
        command = [str(uv), *command[1:]]
    log = Path(tempfile.mkstemp(prefix="scaffold-setup-", suffix=".log")[1])
    # The generated Makefile runs $(UV), so a uv that is not on PATH serves it too.
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1", "UV": str(uv)}
    with (
        log.open("w", encoding="utf-8") as sink,
        subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            sink.write(line)
            if on_line is not None:
                on_line(line.rstrip())
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8").strip().splitlines()[-1:] or ["no output"]
        raise ScaffolderError(
            f"{shown} failed in {project} ({tail[0]}); full log: {log}. "
            f"The project was created: fix the cause and run {shown} there"
        )
    written = gitrepo.uncommitted(project) if commit_as is not None else []
    if commit_as is not None and written:
        name, email = commit_as
        message = LOCK_COMMIT_MESSAGE.format(files=", ".join(written[:3]), command=shown)
        gitrepo.commit(project, message, author_name=name, author_email=email)
    return written
