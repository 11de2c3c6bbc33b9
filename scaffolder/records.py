"""Every record a generated project keeps of where it came from, and finding the project.

A role's project keeps Copier's ``.copier-answers.yml`` naming scaffolder's own template
(:func:`read_answers`: the version, the role, the answers). A project made from a third-party
template keeps one of three records, each written back in its own format when an update
applies:

* ``.scaffolder-template.json`` (``scaffold new --template``): the template's source, the
  version (ref and commit) the project is at, the folder inside the source, the engine and the
  answers;
* ``.cruft.json``, from cruft (Cookiecutter templates): ``template``, ``commit``, ``checkout``,
  ``directory``, ``context.cookiecutter`` and ``skip`` (paths an update leaves alone);
* ``.copier-answers.yml`` from plain Copier, when its ``_src_path`` is not scaffolder's own:
  ``_src_path``, ``_commit`` (``git describe``'s words: a tag, or ``tag-N-gSHA``) and the
  answers. The template renders this file itself, so the update takes the new render's copy.

An update renders the recorded version and the new one with these answers and merges the
difference; the record moves with the merge, never on its own. :func:`find_project` finds the
project a path is in, for every command that takes one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from scaffolder.answers_input import yaml_error_line
from scaffolder.errors import AnswersFileError, ScaffolderError
from scaffolder.sources import ENGINES, EngineName
from scaffolder.store import CANONICAL_URL

RECORD_FILE = ".scaffolder-template.json"
CRUFT_FILE = ".cruft.json"
COPIER_ANSWERS_FILE = ".copier-answers.yml"


@dataclass(frozen=True)
class TemplateRecord:
    source: str
    ref: str
    commit: str | None  # None: not known yet (Copier records a ref), or a folder's render
    engine: EngineName
    directory: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    # Which file holds the record, and so its format (not part of scaffolder's own file).
    file: str = field(default=RECORD_FILE, compare=False)
    skip: tuple[str, ...] = field(default=(), compare=False)  # cruft's paths left alone

    def moved_to(self, ref: str, commit: str | None, answers: dict[str, Any]) -> TemplateRecord:
        return replace(self, ref=ref, commit=commit, answers=answers)

    def text(self) -> str:
        data = asdict(self)
        del data["file"], data["skip"]
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def skipped(self, relative: str) -> bool:
        """A path this project's updates leave alone: its record, and cruft's ``skip`` list."""
        return relative == self.file or any(
            relative == path or relative.startswith(path.rstrip("/") + "/") for path in self.skip
        )


def record_file(project: Path) -> str | None:
    """The file recording ``project``'s third-party template, or None (a role's, or nothing)."""
    for name in (RECORD_FILE, CRUFT_FILE):
        if (project / name).is_file():
            return name
    if _foreign_copier_source(project / COPIER_ANSWERS_FILE) is not None:
        return COPIER_ANSWERS_FILE
    return None


def has_record(project: Path) -> bool:
    return record_file(project) is not None


def _foreign_copier_source(path: Path) -> str | None:
    """The ``_src_path`` of a Copier answers file that is not a scaffolder role's."""
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None  # a role's broken answers file is reported by read_answers
    source = data.get("_src_path") if isinstance(data, dict) else None
    return str(source) if source and source != CANONICAL_URL else None


def read_record(project: Path) -> TemplateRecord:
    name = record_file(project)
    if name is None:
        raise AnswersFileError(f"{project} holds no record of a template")
    path = project / name
    restore = f"restore it with: git -C {project} checkout -- {name}"
    if name == COPIER_ANSWERS_FILE:
        return _read_copier(path, restore)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnswersFileError(f"{path} cannot be read as JSON; {restore}") from exc
    if not isinstance(data, dict):
        raise AnswersFileError(f"{path} does not hold a record of the template; {restore}")
    if name == CRUFT_FILE:
        return _read_cruft(path, data, restore)
    # A render of a plain folder has no version: its ref is "" (and update says so).
    given = {
        "source": bool(data.get("source")),
        "ref": isinstance(data.get("ref"), str),
        "engine": bool(data.get("engine")),
    }
    missing = [key for key, ok in given.items() if not ok]
    if missing:
        raise AnswersFileError(f"{path} lacks {', '.join(missing)}; {restore}")
    if data["engine"] not in ENGINES:
        raise AnswersFileError(f"{path} names an unknown engine {data['engine']!r}; {restore}")
    if not isinstance(data.get("answers", {}), dict):
        raise AnswersFileError(f"{path}: answers must be a mapping; {restore}")
    return TemplateRecord(
        source=str(data["source"]),
        ref=str(data["ref"]),
        commit=str(data["commit"]) if data.get("commit") else None,
        engine=data["engine"],
        directory=str(data["directory"]) if data.get("directory") else None,
        answers=dict(data.get("answers") or {}),
    )


def _is_abbreviation(ref: str, commit: str | None) -> bool:
    """Whether ``ref`` is ``commit`` abbreviated (git's shortest is 7 digits), not a tag or a
    branch such as ``1`` that happens to begin it."""
    return commit is not None and len(ref) >= 7 and commit.startswith(ref)


def _read_cruft(path: Path, data: dict[str, Any], restore: str) -> TemplateRecord:
    missing = [key for key in ("template", "commit") if not data.get(key)]
    if missing:
        raise AnswersFileError(f"{path} (cruft's record) lacks {', '.join(missing)}; {restore}")
    context = data.get("context", {})
    answers = context.get("cookiecutter") if isinstance(context, dict) else None
    if not isinstance(answers, dict):
        raise AnswersFileError(f"{path}: context.cookiecutter must be a mapping; {restore}")
    skip = data.get("skip") or []
    commit = str(data["commit"])
    return TemplateRecord(
        source=str(data["template"]),
        ref=str(data.get("checkout") or commit[:12]),
        commit=commit,
        engine="cookiecutter",
        directory=str(data["directory"]) if data.get("directory") else None,
        answers={k: v for k, v in answers.items() if not str(k).startswith("_")},
        file=CRUFT_FILE,
        skip=tuple(str(p) for p in skip) if isinstance(skip, list) else (),
    )


def _read_copier(path: Path, restore: str) -> TemplateRecord:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data.get("_commit"):
        raise AnswersFileError(
            f"{path} records no _commit: the project was made from a template folder outside "
            "git, which keeps no versions to update between"
        )
    return TemplateRecord(
        source=str(data["_src_path"]),
        ref=str(data["_commit"]),
        commit=None,  # a describe string; the source resolves it
        engine="copier",
        answers={k: v for k, v in data.items() if not str(k).startswith("_")},
        file=COPIER_ANSWERS_FILE,
    )


def write_record(project: Path, record: TemplateRecord, rendered: Path | None = None) -> None:
    """Write ``record`` into ``project`` in its own format.

    ``rendered`` is the new render of the template: Copier's answers file is taken from it.
    """
    path = project / record.file
    if record.file == COPIER_ANSWERS_FILE:
        if rendered is None or not (rendered / COPIER_ANSWERS_FILE).is_file():
            raise AnswersFileError(
                f"the template's new version renders no {COPIER_ANSWERS_FILE}, which records "
                "the project's version; this scaffolder cannot keep it for Copier"
            )
        path.write_bytes((rendered / COPIER_ANSWERS_FILE).read_bytes())
        return
    if record.file == CRUFT_FILE:
        data = json.loads(path.read_text(encoding="utf-8"))
        context = data["context"]["cookiecutter"]
        kept = {k: v for k, v in context.items() if str(k).startswith("_")}
        if "_commit" in kept:
            kept["_commit"] = record.commit
        data.update(
            template=record.source,
            commit=record.commit,
            checkout=None if _is_abbreviation(record.ref, record.commit) else record.ref,
            context={**data["context"], "cookiecutter": {**record.answers, **kept}},
        )
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    path.write_text(record.text(), encoding="utf-8")


ANSWERS_FILE = COPIER_ANSWERS_FILE  # a role's answers: Copier's file, naming scaffolder's source


@dataclass(frozen=True)
class ProjectAnswers:
    """What ``scaffold new`` recorded: template version, source and the user's answers."""

    path: Path
    version: Version
    role: str
    answers: dict[str, Any]


def find_project(path: Path) -> Path:
    """The generated project ``path`` is in: the nearest folder upward holding a record.

    ``path`` may be a file or a folder, relative or with ``~`` (symbolic links are kept, ".."
    folded). Like git looking for ``.git``, the search goes up through the parents and stops
    at the root of the git work tree it is in: a project is never taken from outside its
    repository. Found nowhere, the answer is that root (or ``path`` outside git), whose
    missing record the caller then reports.
    """
    start = Path(os.path.abspath(path.expanduser()))  # noqa: PTH100  # folds "..", keeps links
    if not start.exists():
        raise ScaffolderError(f"{start} does not exist; give the path of a generated project")
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / ANSWERS_FILE).is_file() or has_record(folder):
            return folder
        if (folder / ".git").exists():
            return folder
    return start


def read_answers(project: Path) -> ProjectAnswers:
    """Read and check ``project``'s answers file; every flaw is an :class:`AnswersFileError`."""
    path = project / ANSWERS_FILE
    restore = f"restore it with: git -C {project} checkout -- {ANSWERS_FILE}"
    if not path.is_file():
        raise AnswersFileError(
            f"no {ANSWERS_FILE} in {project}: it was not generated by scaffold new, "
            f"or the file was deleted ({restore})"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = yaml_error_line(exc, " at line {}")
        raise AnswersFileError(f"{path} is not valid YAML{line}; {restore}") from exc
    if not isinstance(data, dict):
        raise AnswersFileError(f"{path} does not hold a mapping of answers; {restore}")
    missing = [key for key in ("_commit", "_src_path", "role") if not data.get(key)]
    if missing:
        raise AnswersFileError(f"{path} lacks {', '.join(missing)}; {restore}")
    if data["_src_path"] != CANONICAL_URL:
        raise AnswersFileError(
            f"{path} names the template {data['_src_path']!r}, not scaffolder's "
            f"({CANONICAL_URL}); update it with copier instead"
        )
    try:
        version = Version(str(data["_commit"]))
    except InvalidVersion as exc:
        raise AnswersFileError(
            f"{path} records the template version {data['_commit']!r}, which is not a "
            f"version number; {restore}"
        ) from exc
    answers = {k: v for k, v in data.items() if not str(k).startswith("_")}
    return ProjectAnswers(path=path, version=version, role=str(data["role"]), answers=answers)
