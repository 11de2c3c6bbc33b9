"""What ``scaffold new --template`` records in the project, so that update can replay it.

``.scaffolder-template.json`` holds the template's source, the version (ref and commit) the
project is at, the folder inside the source, the engine and the answers. An update renders the
recorded version and the new one with these answers and merges the difference; the record
moves with the merge, never on its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from scaffolder.errors import AnswersFileError
from scaffolder.sources import ENGINES, EngineName

RECORD_FILE = ".scaffolder-template.json"


@dataclass(frozen=True)
class TemplateRecord:
    source: str
    ref: str
    commit: str | None
    engine: EngineName
    directory: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)

    def moved_to(self, ref: str, commit: str | None, answers: dict[str, Any]) -> TemplateRecord:
        return replace(self, ref=ref, commit=commit, answers=answers)

    def text(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def has_record(project: Path) -> bool:
    return (project / RECORD_FILE).is_file()


def write_record(project: Path, record: TemplateRecord) -> None:
    (project / RECORD_FILE).write_text(record.text(), encoding="utf-8")


def read_record(project: Path) -> TemplateRecord:
    path = project / RECORD_FILE
    restore = f"restore it with: git -C {project} checkout -- {RECORD_FILE}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnswersFileError(f"{path} cannot be read as JSON; {restore}") from exc
    if not isinstance(data, dict):
        raise AnswersFileError(f"{path} does not hold a record of the template; {restore}")
    missing = [key for key in ("source", "ref", "engine") if not data.get(key)]
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
