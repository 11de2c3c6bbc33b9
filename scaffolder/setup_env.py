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
    for tool, how in (
        ("make", "install make (apt-get install make)"),
        ("uv", "install uv (python3 -m pip install uv)"),
    ):
        if shutil.which(tool) is None:
            raise ScaffolderError(
                f"--setup needs {tool}, which is not on PATH; {how}, then run make setup in "
                f"{project} (the project itself was created)"
            )
    log = Path(tempfile.mkstemp(prefix="scaffold-setup-", suffix=".log")[1])
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1"}
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
