"""``scaffold new --setup``: install the generated project's environment and git hooks.

The generated Makefile's ``setup`` target is the one definition of what setting up means; this
module runs it and reports progress, so ``--setup`` and ``make setup`` can never drift apart.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from scaffolder import gitrepo
from scaffolder.errors import ScaffolderError

LOCK_COMMIT_MESSAGE = "Lock the environment: uv.lock from make setup"
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


def setup_project(
    project: Path,
    *,
    commit_as: tuple[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> Path:
    """Run ``make setup`` in ``project``; returns the log file. Fails with the log's last line.

    With ``commit_as`` (author name, email), the ``uv.lock`` that setup wrote is committed, so
    the new repository is clean and its environment reproducible from its first push.
    """
    uv = find_uv()
    for tool, found, how in (
        ("make", shutil.which("make"), "install make (apt-get install make)"),
        ("uv", uv, f"install uv ({UV_INSTALL_HINT})"),
    ):
        if found is None:
            raise ScaffolderError(
                f"--setup needs {tool}, which is not on PATH; {how}, then run make setup in "
                f"{project} (the project itself was created)"
            )
    log = Path(tempfile.mkstemp(prefix="scaffold-setup-", suffix=".log")[1])
    # The generated Makefile runs $(UV), so a uv that is not on PATH serves it too.
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1", "UV": str(uv)}
    with (
        log.open("w", encoding="utf-8") as sink,
        subprocess.Popen(
            ["make", "setup"],
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
            f"make setup failed in {project} ({tail[0]}); full log: {log}. "
            "The project was created: fix the cause and run make setup there"
        )
    if commit_as is not None and gitrepo.is_dirty(project):
        name, email = commit_as
        gitrepo.commit(project, LOCK_COMMIT_MESSAGE, author_name=name, author_email=email)
    return log
