"""Tier 2: the metadata a generated repository publishes invents nothing and is valid.

Without a GitHub user (the default answer is a placeholder), no URL is made up: not in
``pyproject.toml``'s ``[project.urls]``, not in ``CITATION.cff``, nowhere in the repository but
the answers file that records it. With one, the repository URL is the user's, the same in every
file that states it. ``CITATION.cff`` is valid for the Citation File Format's own validator,
cffconvert, either way. Renders only: nothing here needs the project's environment.

cffconvert needs jsonschema < 4, which the suite's own environment cannot share, so it runs from
an environment of its own pinned by ``tools/cffconvert/uv.lock``.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.generate import generate
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.projects import UV
from tests.templates.matrix import Case, cases
from tests.templates.test_render_matrix import text_of

STORE = TemplateStore.installed()
PLACEHOLDER_USER = "your-github-user"
USER = "octo-user"
WITHOUT_USER = cases(STORE)  # the matrix leaves github_user at its placeholder default
WITH_USER = [
    Case(role.name, {"github_user": USER, "author_name": "José María García-López"})
    for role in list_roles(STORE)
] + [Case("researcher", {"github_user": USER, "author_name": "Plato"})]
CFFCONVERT = Path(__file__).resolve().parents[2] / "tools" / "cffconvert"
# CFF keys that hold a URL (the Citation File Format 1.2.0 schema's url-typed keys).
CFF_URL_KEYS = {"url", "repository", "repository-code", "repository-artifact"}


def case_id(case: Case) -> str:
    return f"{case.id}-{case.answers.get('author_name', 'default author')}"


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory, store: TemplateStore) -> Any:
    """Render a case once per module (no git: speed)."""
    made: dict[str, Path] = {}

    def get(case: Case) -> Path:
        key = case_id(case)
        if key not in made:
            project = tmp_path_factory.mktemp("metadata") / "portfolio-project"
            generate(project, role=case.role, data=case.answers, git=False, store=store)
            made[key] = project
        return made[key]

    return get


def project_urls(project: Path) -> dict[str, str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    urls: dict[str, str] = pyproject["project"].get("urls", {})
    return urls


def cff_urls(project: Path) -> dict[str, str]:
    """Every URL-typed key of CITATION.cff, at any depth (references carry their own)."""
    found: dict[str, str] = {}

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in CFF_URL_KEYS:
                    found[f"{where}{key}"] = value
                walk(value, f"{where}{key}.")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}{index}.")

    walk(yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8")), "")
    return found


def cffconvert_validate(citation: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}  # its own, not ours
    return subprocess.run(
        [
            UV,
            "run",
            "--locked",
            "--quiet",
            "--project",
            str(CFFCONVERT),
            "cffconvert",
            "--validate",
            "--infile",
            str(citation),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.mark.parametrize("case", WITHOUT_USER, ids=case_id)
def test_no_url_is_invented_without_a_github_user(case: Case, render: Any) -> None:
    project = render(case)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["github_user"] == PLACEHOLDER_USER
    assert not any("github.com" in url for url in project_urls(project).values())
    for path in project.rglob("*"):
        if path.name != ".copier-answers.yml" and (text := text_of(path)) is not None:
            assert PLACEHOLDER_USER not in text, path
    if (project / "CITATION.cff").is_file():
        repository_urls = {
            key: url for key, url in cff_urls(project).items() if not key.startswith("references")
        }
        assert repository_urls == {}, "CITATION.cff names a repository nobody gave"


@pytest.mark.parametrize("case", WITH_USER, ids=case_id)
def test_the_repository_url_is_the_users(case: Case, render: Any) -> None:
    project = render(case)
    dist_name = tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]
    expected = f"https://github.com/{USER}/{dist_name}"
    assert project_urls(project) == {"Repository": expected}
    if (project / "CITATION.cff").is_file():
        assert cff_urls(project)["repository-code"] == expected


# Every role whose template ships a CITATION.cff, found from the templates themselves.
CITING_ROLES = {
    role.name
    for role in list_roles(STORE)
    if any(p.name.startswith("CITATION.cff") for p in (STORE.templates_dir / role.name).rglob("*"))
}
CITATION_CASES = [case for case in [*WITHOUT_USER, *WITH_USER] if case.role in CITING_ROLES]


def test_the_researcher_ships_a_citation() -> None:
    assert "researcher" in CITING_ROLES


@pytest.mark.parametrize("case", CITATION_CASES, ids=case_id)
def test_citation_cff_passes_cffconvert(case: Case, render: Any) -> None:
    project = render(case)
    result = cffconvert_validate(project / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid according to schema version 1.2.0" in result.stdout


def test_cffconvert_refuses_an_invalid_citation(tmp_path: Path) -> None:
    """The validator can fail: a CITATION.cff without its required message is refused."""
    citation = tmp_path / "CITATION.cff"
    citation.write_text('cff-version: 1.2.0\ntitle: "x"\nauthors:\n  - family-names: "Y"\n')
    assert cffconvert_validate(citation).returncode != 0
