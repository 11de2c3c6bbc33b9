"""``scaffold showcase``: a repository's own evidence, turned into what a hiring manager reads.

``showcase.yml`` names the evidence (see docs/showcase.md); from it and the files it names
this writes the README's results region, a static page in ``site/`` and a social-preview card,
every number carrying the file, key or cell, command and commit it came from. ``--check``
writes nothing and lists what is missing, malformed, stale, or edited by hand.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.answers import ANSWERS_FILE, read_answers
from scaffolder.answers import find_project as project_root
from scaffolder.errors import EXIT_OK, EXIT_SHOWCASE_STALE, ShowcaseError
from scaffolder.showcase import readme
from scaffolder.showcase.build import Built, build
from scaffolder.showcase.evidence import Evidence
from scaffolder.showcase.manifest import load

README = "README.md"


@dataclass(frozen=True)
class Report:
    """What ``showcase`` found and did."""

    project: Path
    written: list[str] = field(default_factory=list)  # files changed, relative to project
    problems: list[str] = field(default_factory=list)
    check: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_SHOWCASE_STALE if self.check and self.problems else EXIT_OK


def find_project(path: Path) -> Path:
    """The generated repository holding ``path``, found as ``update`` and ``check`` find it."""
    start = path.expanduser().absolute()
    if not start.exists():
        raise ShowcaseError(f"{start} does not exist; give the path of a generated repository")
    project = project_root(start if start.is_dir() else start.parent)
    if (project / ANSWERS_FILE).is_file():
        return project
    raise ShowcaseError(
        f"{start} is not in a repository made by scaffold new (no {ANSWERS_FILE} here or "
        "above); run scaffold showcase inside one"
    )


def showcase(path: Path, *, check: bool = False) -> Report:
    """Write (or, with ``check``, only compare) the README region, the page and the card."""
    project = find_project(path)
    answers = read_answers(project)
    manifest = load(project)
    evidence = Evidence(manifest)
    built = build(manifest, evidence, answers)  # reads every item: a broken one stops here
    readme_path = project / README
    if not readme_path.is_file():
        raise ShowcaseError(f"no {README} in {project}; restore it (git checkout -- {README})")
    text = readme_path.read_text(encoding="utf-8")
    region = readme.find(text)

    problems = [*evidence.problems(), *built.warnings]
    if region.edited_by_hand:
        problems.append(
            f"{README}: the showcase region was edited by hand; change showcase.yml or the "
            "evidence instead (scaffold showcase rewrites the region)"
        )
    new_text = region.replaced(readme.body_lines(built.region))
    outputs = {README: new_text.encode("utf-8"), **built.site}
    stale = [name for name, data in outputs.items() if _differs(project / name, data)]
    if check:
        problems += [f"{name} is not what scaffold showcase would write; run it" for name in stale]
        return Report(project=project, problems=problems, check=True)
    for name in stale:
        _write_atomic(project / name, outputs[name])
    return Report(project=project, written=stale, problems=problems)


def _differs(path: Path, data: bytes) -> bool:
    return not path.is_file() or path.read_bytes() != data


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["Built", "Report", "find_project", "showcase"]
