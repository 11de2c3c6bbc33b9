"""Answers given on the command line: ``--data key=value`` and ``--data-file answers.yml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scaffolder.errors import InvalidAnswersError


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
