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

from scaffolder.errors import EXIT_OK, EXIT_SHOWCASE_STALE, ShowcaseError, ShowcaseStaleError
from scaffolder.records import ANSWERS_FILE, find_project, read_answers
from scaffolder.showcase import readme
from scaffolder.showcase.build import Built, build
from scaffolder.showcase.evidence import STALE, UNREADABLE, Evidence
from scaffolder.showcase.manifest import load

README = "README.md"


@dataclass(frozen=True)
class Report:
    """What ``showcase`` found and did.

    ``refused``: evidence too broken or stale to publish, so nothing was written.
    ``stale_allowed``: ``--allow-stale`` would have let the refused run write.
    """

    project: Path
    written: list[str] = field(default_factory=list)  # files changed, relative to project
    problems: list[str] = field(default_factory=list)
    check: bool = False
    refused: bool = False
    stale_allowed: bool = False

    @property
    def exit_code(self) -> int:
        failed = self.refused or (self.check and self.problems)
        return EXIT_SHOWCASE_STALE if failed else EXIT_OK


def _role_project(path: Path) -> Path:
    """The role's repository holding ``path`` (found as every command finds its project)."""
    project = find_project(path)
    if (project / ANSWERS_FILE).is_file():
        return project
    raise ShowcaseError(
        f"{path.expanduser().absolute()} is not in a repository made by scaffold new (no "
        f"{ANSWERS_FILE} here or above); run scaffold showcase inside one"
    )


def showcase(path: Path, *, check: bool = False, allow_stale: bool = False) -> Report:
    """Write (or, with ``check``, only compare) the README region, the page and the card.

    Evidence that is missing or malformed is never published; stale or hand-edited evidence
    only with ``allow_stale``, and then marked stale wherever it shows. Evidence made from
    uncommitted changes is published with a mark. ``check`` fails on all of them.
    """
    project = _role_project(path)
    answers = read_answers(project)
    manifest = load(project)
    evidence = Evidence(manifest)
    found = evidence.problems()
    texts = [problem.text for problem in found]
    if check and any(p.kind == UNREADABLE for p in found):
        return Report(project=project, problems=texts, check=True)
    blocking = [p for p in found if p.kind == UNREADABLE or (p.kind == STALE and not allow_stale)]
    if blocking and not check:
        return Report(
            project=project,
            problems=[p.text for p in blocking],
            refused=True,
            stale_allowed=all(p.kind == STALE for p in blocking),
        )
    readme_path = project / README
    if not readme_path.is_file():
        raise ShowcaseError(f"no {README} in {project}; restore it (git checkout -- {README})")
    text = readme_path.read_text(encoding="utf-8")
    region = readme.find(text)
    # --check compares with what a run on fresh evidence writes: marks would only say again
    # what the evidence problems above already say.
    marks = {} if check else {item_id: p.kind for p in found for item_id in p.ids}
    try:
        built = build(
            manifest, evidence, answers, marks=marks, readme_headings=region.headings_outside
        )
    except ShowcaseStaleError as exc:  # a headline or finding reads a key the file lacks
        if check:
            return Report(project=project, problems=[*texts, exc.message], check=True)
        raise

    problems = [*texts, *built.warnings]
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


__all__ = ["Built", "Report", "showcase"]
