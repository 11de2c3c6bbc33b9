"""Answers given on the command line (``--data key=value``, ``--data-file answers.yml``), checked
against the question files before Copier sees them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from scaffolder import naming
from scaffolder.errors import InvalidAnswersError, InvalidNameError
from scaffolder.roles import (
    Role,
    choice_values,
    get_role,
    list_roles,
    role_names,
    shared_questions,
)
from scaffolder.store import TemplateStore


def collect_answers(pairs: list[str], data_file: Path | None) -> dict[str, Any]:
    """The file's answers, then each ``key=value`` on top (the command line wins)."""
    answers = load_data_file(data_file) if data_file is not None else {}
    answers.update(parse_pairs(pairs))
    return answers


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidAnswersError(f"--data {pair!r} is not key=value, e.g. --data license=MIT")
        parsed[key.strip()] = value
    return parsed


def yaml_error_line(exc: Exception, form: str) -> str:
    """``form`` filled with the 1-based line a YAML error points at, or "" if it points nowhere."""
    mark = getattr(exc, "problem_mark", None)
    return form.format(mark.line + 1) if mark is not None else ""


def load_data_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidAnswersError(f"--data-file {path} does not exist; give a YAML file of answers")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidAnswersError(
            f"--data-file {path} is not valid YAML{yaml_error_line(exc, ' (line {})')}; "
            "write one key: value per line"
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidAnswersError(
            f"--data-file {path} must hold key: value pairs, not a list or text"
        )
    # Answers files of generated projects carry private _keys (_commit, _src_path): not answers.
    return {str(k): v for k, v in data.items() if not str(k).startswith("_")}


def check_answers(
    answers: Mapping[str, Any], role: Role | None, store: TemplateStore
) -> dict[str, Any]:
    """``answers`` checked against ``role``'s questions (every role's if None), yes/no as bools.

    Unknown keys, text that is not one line (control characters), yes/no answers that are
    neither, values outside a question's choices and names the naming rule refuses are refused,
    saying what would be accepted.
    """
    questions = _questions(role, store)
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise InvalidAnswersError(
            f"unknown answer key {unknown[0]!r}; the keys are: {', '.join(sorted(questions))}"
        )
    checked = {}
    for key, value in answers.items():
        spec = questions[key]
        if isinstance(value, str) and (error := naming.text_error(key.replace("_", " "), value)):
            raise InvalidAnswersError(error)
        if isinstance(spec, dict) and spec.get("type") == "bool":
            value = _yes_or_no(key, value)
        elif (choices := [str(c) for c in choice_values(spec)]) and str(value) not in choices:
            raise InvalidAnswersError(
                f"{key}={value!r} is not a choice; choose one of: {', '.join(choices)}"
            )
        checked[key] = value
    for key, rule in (
        ("project_name", naming.project_name_error),
        ("package_name", naming.package_name_error),
    ):
        if key in checked and (error := rule(str(checked[key]))):
            raise InvalidNameError(error)
    return checked


def completions(
    role_name: str | None,
    incomplete: str,
    *,
    skip: Collection[str] = (),
    store: TemplateStore | None = None,
) -> list[tuple[str, str]]:
    """``--data`` values starting with ``incomplete``, each with its question's help.

    ``key=choice`` for every choice of a question that has them (true/false for yes/no),
    ``key=`` for the others; the questions of ``role_name``, or of every role when it is None
    or not a role; none of the keys in ``skip``.
    """
    store = store or TemplateStore.installed()
    role = get_role(role_name, store) if role_name in role_names(store) else None
    found = []
    for key, spec in sorted(_questions(role, store).items()):
        if key in skip:
            continue
        spec = spec if isinstance(spec, dict) else {}
        values = ["true", "false"] if spec.get("type") == "bool" else choice_values(spec)
        for value in values or [""]:
            if f"{key}={value}".startswith(incomplete):
                found.append((f"{key}={value}", " ".join(str(spec.get("help", "")).split())))
    return found


def _questions(role: Role | None, store: TemplateStore) -> dict[str, Any]:
    """The questions ``--data`` may answer: the shared ones and the role's (all roles' if None)."""
    questions = dict(shared_questions(store))
    for each in [role] if role else list_roles(store):
        questions.update(each.questions)
    return {
        key: spec
        for key, spec in questions.items()
        if not key.startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    }


YES = {"true", "yes", "y", "on", "1"}
NO = {"false", "no", "n", "off", "0"}


def _yes_or_no(key: str, value: Any) -> bool:
    """A yes/no answer as a bool; anything else is refused rather than read as "yes"."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES | NO:
        return text in YES
    raise InvalidAnswersError(f"{key}={value!r} is not yes or no; give {key}=true or {key}=false")
