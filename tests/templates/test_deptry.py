"""Tier 2: deptry finds no dependency issue in any role x option of the render matrix.

Shipped code (everything but ``tests/``, deptry's default exclusions) imports only the
project's runtime dependencies, every runtime dependency is imported somewhere (or the project
says in its own ``[tool.deptry]`` why not), and a dev-only tool is never imported by code that
ships. deptry runs as a user would run it, ``deptry .`` in the project's root with the
project's own configuration, plus the one hint deptry needs for a src layout: the project's own
package is first-party (``--known-first-party``; deptry only guesses top-level folders).

How it runs without a ``uv sync`` per case: deptry maps a declared distribution to the modules
it provides by reading the *installed* distribution's metadata, and guesses ``name`` with
``-`` replaced by ``_`` when it is not installed. Installing every role's environment for each
of the matrix's cases would take minutes each; instead each case is rendered (no git, no
environment) and deptry, from this suite's environment, is handed the module names of every
distribution the rendered pyproject declares (``--package-module-name-map``). Those names are
facts about the distributions (``MODULE_NAMES`` below: the few whose import name is not the
normalised distribution name), so the result does not depend on what happens to be installed
here, and it is the result deptry gives in the project's own environment, where each
distribution's metadata says the same. A dependency added with an import name missing from
``MODULE_NAMES`` fails loudly (deptry reports it unused and its module missing), never silently.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scaffolder.generate import generate
from scaffolder.store import TemplateStore
from tests.templates.matrix import Case, cases

CASES = cases(TemplateStore.installed())

# Distributions whose top-level import name is not their normalised name (only the ones a
# template declares; a dev-only stub or tool is never imported, so its guessed name is harmless).
MODULE_NAMES: dict[str, tuple[str, ...]] = {
    "apache-airflow": ("airflow",),
    "dbt-core": ("dbt",),
    "dbt-duckdb": ("dbt",),  # an adapter: its modules live under dbt.adapters.duckdb
    "pyyaml": ("yaml", "_yaml"),
    "scikit-learn": ("sklearn",),
}


def declared(pyproject: dict[str, object]) -> set[str]:
    """Every distribution the project declares: runtime and every dependency group."""
    project = pyproject.get("project", {})
    assert isinstance(project, dict)
    specs = list(project.get("dependencies", []))
    groups = pyproject.get("dependency-groups", {})
    assert isinstance(groups, dict)
    for entries in groups.values():
        specs += [entry for entry in entries if isinstance(entry, str)]  # not {include-group}
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


def module_name_map(project: Path) -> str:
    """deptry's ``--package-module-name-map`` for every declared distribution."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    entries = []
    for name in sorted(declared(pyproject)):
        modules = MODULE_NAMES.get(name, (name.replace("-", "_"),))
        entries.append(f"{name}={'|'.join(modules)}")
    return ",".join(entries)


def test_the_name_map_changes_a_result(tmp_path: Path) -> None:
    """The map is what deptry uses: without it, an import name unlike its distribution's
    (``sklearn`` from scikit-learn, not installed here) is reported; with it, nothing is."""
    project = tmp_path / "probe"
    (project / "probe").mkdir(parents=True)
    (project / "probe" / "__init__.py").write_text("import sklearn\n\nprint(sklearn)\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "probe"\nversion = "0"\ndependencies = ["scikit-learn==1.9.1"]\n'
    )
    assert run_deptry(project, with_map=False).returncode != 0
    result = run_deptry(project, with_map=True)
    assert result.returncode == 0, result.stdout + result.stderr


def run_deptry(
    project: Path, *, with_map: bool = True, first_party: str = ""
) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "deptry", ".", "--no-ansi"]
    if first_party:
        args += ["--known-first-party", first_party]
    if with_map:
        args += ["--package-module-name-map", module_name_map(project)]
    return subprocess.run(args, cwd=project, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_deptry_reports_nothing(case: Case, tmp_path: Path, store: TemplateStore) -> None:
    project = tmp_path / "portfolio-project"
    generate(project, role=case.role, data=case.answers, git=False, store=store)
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    result = run_deptry(project, first_party=package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success! No dependency issues found." in result.stdout + result.stderr
