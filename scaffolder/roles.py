"""Roles, discovered from the templates: the ``role`` question's choices and ``role.yml`` files.

There is no second list of roles in Python: adding ``templates/<role>/`` with a ``role.yml``,
a ``questions.yml`` and a ``template/`` folder, and naming it among the ``role`` choices in
``templates/_shared/common-questions.yml``, is all it takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scaffolder.errors import TemplateError, UnknownRoleError
from scaffolder.store import TemplateStore

SHARED_QUESTIONS = Path("_shared") / "common-questions.yml"


@dataclass(frozen=True)
class Role:
    """One role's template, described for people choosing among them."""

    name: str
    title: str
    summary: str
    example: str
    skills: tuple[str, ...]
    stack: tuple[str, ...]
    questions: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "example": self.example,
            "skills": list(self.skills),
            "stack": list(self.stack),
        }


def load_questions(path: Path) -> dict[str, Any]:
    """A Copier question file as a mapping (settings keys starting with ``_`` included)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read template questions {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"template questions {path} are not a mapping")
    return data


def shared_questions(store: TemplateStore) -> dict[str, Any]:
    """The questions every role asks (``role`` first)."""
    return load_questions(store.templates_dir / SHARED_QUESTIONS)


def choice_values(spec: Any) -> list[Any]:
    """A question's choices as answer values: Copier allows a list or a label -> value mapping."""
    choices = spec.get("choices") if isinstance(spec, dict) else None
    if not choices:
        return []
    return list(choices.values()) if isinstance(choices, dict) else list(choices)


def role_names(store: TemplateStore | None = None) -> list[str]:
    """The roles' names, in the order of the ``role`` question's choices."""
    return [
        str(name)
        for name in choice_values(shared_questions(store or TemplateStore.installed())["role"])
    ]


def list_roles(store: TemplateStore | None = None) -> list[Role]:
    """Every role the templates offer, in the order of the ``role`` question's choices."""
    store = store or TemplateStore.installed()
    return [_load_role(store, name) for name in role_names(store)]


def get_role(name: str, store: TemplateStore | None = None) -> Role:
    """The role called ``name`` (only its files are read), or an error listing the roles."""
    store = store or TemplateStore.installed()
    names = role_names(store)
    if name not in names:
        known = ", ".join(names)
        raise UnknownRoleError(
            f"unknown role {name!r}; choose one of: {known} (see: scaffold roles)"
        )
    return _load_role(store, name)


def _load_role(store: TemplateStore, name: str) -> Role:
    folder = store.templates_dir / name
    meta = load_questions(folder / "role.yml")
    try:
        return Role(
            name=name,
            title=meta["title"],
            summary=meta["summary"],
            example=meta["example"],
            skills=tuple(meta["skills"]),
            stack=tuple(meta["stack"]),
            questions=load_questions(folder / "questions.yml"),
        )
    except KeyError as exc:
        raise TemplateError(f"{folder / 'role.yml'} lacks the key {exc}") from exc
