"""The render matrix, read from the templates' own question files.

Every choice of every question appears in at least one case (choices are cycled side by side,
as cookiecutter-data-science does for options that do not interact), so a choice added to a
question file is tested without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scaffolder.roles import choice_values, list_roles, shared_questions
from scaffolder.store import TemplateStore

# Extreme names: the shortest package name, and the longest allowed (generated code must be
# formatted for both, because ruff re-wraps lines by length).
SHORT_NAME = {"project_name": "A", "package_name": "a"}
LONG_NAME = {
    "project_name": "Zeta Über Ĺoan Risk: a Very Long Title for a Project",
    "package_name": "zeta_loan_risk_scoring_long_name",
}


@dataclass(frozen=True)
class Case:
    role: str
    answers: dict[str, Any] = field(default_factory=dict)
    choice_keys: tuple[str, ...] = ()  # the answers that come from a question's choices

    @property
    def id(self) -> str:
        shown = "-".join(f"{k}={self.answers[k]}" for k in sorted(self.choice_keys))
        name = self.answers.get("package_name", "default")
        return f"{self.role}-{name}-{shown}" if shown else f"{self.role}-{name}"


def choices_of(spec: Any) -> list[Any]:
    """A question's choices as answer values (Copier allows a list or a label->value mapping).

    A yes/no question has two: both must render.
    """
    if not isinstance(spec, dict) or spec.get("when") is False:
        return []
    if spec.get("type") == "bool":
        return [False, True]
    return choice_values(spec)


def cases(store: TemplateStore) -> list[Case]:
    shared = {k: choices_of(v) for k, v in shared_questions(store).items() if k != "role"}
    found = []
    for role in list_roles(store):
        questions = {**shared, **{k: choices_of(v) for k, v in role.questions.items()}}
        questions = {k: v for k, v in questions.items() if v}
        width = max((len(v) for v in questions.values()), default=1)
        for i in range(width):
            answers = {key: values[i % len(values)] for key, values in questions.items()}
            names = LONG_NAME if i % 2 else SHORT_NAME
            found.append(Case(role.name, {**answers, **names}, tuple(questions)))
        found.append(Case(role.name, {}))  # all defaults, name derived from the folder
    return found
