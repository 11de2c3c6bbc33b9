"""Real Copier and Cookiecutter templates, written as local git repos with tagged versions."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

README_V1 = "# {title}\n\nline a\nline b\nline c\n"
README_V2 = "# {title}\n\nline a\nline b\nline c, as v2 has it\nline d\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``, making folders; returns root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def commit_version(repo: Path, files: Mapping[str, str], tag: str) -> None:
    """Make the template's tree exactly ``files``, commit it and tag it ``tag``."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q")
    for tracked in filter(None, git(repo, "ls-files", "-z").split("\0")):
        (repo / tracked).unlink()
    tree(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", tag)
    git(repo, "tag", tag)


SLUG = "{{cookiecutter.project_slug}}"


def cookiecutter_files(version: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    context = {"project_name": "Demo", "project_slug": "{{ cookiecutter.project_name.lower() }}"}
    title = "{{ cookiecutter.project_name }}"
    files = {
        "cookiecutter.json": json.dumps(context),
        f"{SLUG}/README.md": (README_V1 if version == 1 else README_V2).format(title=title),
        f"{SLUG}/keep.txt": f"keep v{version}\n",
    }
    if version == 1:
        files[f"{SLUG}/old.txt"] = "old\n"
    else:
        files[f"{SLUG}/new.txt"] = "new in v2\n"
    files.update(extra or {})
    return files


def copier_files(version: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    title = "{{ project_name }}"
    files = {
        "copier.yml": "project_name:\n  type: str\n  default: Demo\n"
        + (extra or {}).get("copier.yml", ""),
        "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml -}}\n",
        "README.md.jinja": (README_V1 if version == 1 else README_V2).format(title=title),
        "keep.txt": f"keep v{version}\n",
    }
    if version == 1:
        files["old.txt"] = "old\n"
    else:
        files["new.txt"] = "new in v2\n"
    files.update({k: v for k, v in (extra or {}).items() if k != "copier.yml"})
    return files


def make_template(
    root: Path, engine: str, extra: Mapping[str, str] | None = None, *, extra_v2: bool = True
) -> Path:
    """A template repo with tags v1.0 and v2.0; ``extra`` files (code) in both, or only v1."""
    build = cookiecutter_files if engine == "cookiecutter" else copier_files
    repo = root / f"{engine}-template"
    commit_version(repo, build(1, extra), "v1.0")
    commit_version(repo, build(2, extra if extra_v2 else None), "v2.0")
    return repo
