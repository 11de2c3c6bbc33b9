"""``scaffold update --verify``: the merged result is checked in the throwaway worktree before
anything reaches the project; a failing check changes nothing (exit 8) and shows its last lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.errors import EXIT_CONFLICTS, EXIT_VERIFY_FAILED
from scaffolder.generate import generate
from scaffolder.records import RECORD_FILE
from scaffolder.store import TemplateStore
from tests.conftest import Cli
from tests.history import GITIGNORE_LINE, ROLE, History, build_history, git
from tests.test_thirdparty import commit_all, snapshot
from tests.test_thirdparty import generate as generate_from
from tests.thirdparty_templates import commit_version, copier_files

# Fails once the update brought 0.3.0's .gitignore line (a stand-in for a project's tests).
NO_LOG_LINE = (
    f"echo checking; grep -qx '{GITIGNORE_LINE}' .gitignore && echo 'FAILED: log line' && exit 1;"
    " echo ok"
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history"))


@pytest.fixture
def latest(history: History, monkeypatch: pytest.MonkeyPatch) -> History:
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    return history


def role_project(history: History, dest: Path, pyproject_setting: str = "") -> Path:
    generate(dest, role=ROLE, data={"project_name": "Loan Study"}, store=history.v1)
    if pyproject_setting:
        with (dest / "pyproject.toml").open("a") as pyproject:
            pyproject.write(f"\n[tool.scaffolder]\n{pyproject_setting}\n")
        git(dest, "commit", "--quiet", "--all", "-m", "Verify every update")
    return dest


def test_a_failing_check_changes_nothing_and_shows_its_last_lines(
    latest: History, tmp_path: Path, cli: Cli
) -> None:
    project = role_project(latest, tmp_path / "loan-study")
    before = snapshot(project)
    result = cli("update", str(project), "--verify-command", NO_LOG_LINE)
    assert (result.code, result.out) == (EXIT_VERIFY_FAILED, "")
    *tail, last = result.err.splitlines()
    assert tail == ["  checking", "  FAILED: log line"]
    assert last == (
        "error: the update to template 0.3.0 fails the project's check (exit status 1; its "
        "last lines are above); nothing was changed, the project stays at 0.1.0: fix what "
        "the check says after updating without --verify, or stay where you are"
    )
    assert snapshot(project) == before


def test_a_passing_check_lets_the_update_land(latest: History, tmp_path: Path, cli: Cli) -> None:
    project = role_project(latest, tmp_path / "loan-study")
    result = cli("update", str(project), "--verify-command", "test -f pyproject.toml")
    assert result.code == 0, result.err
    assert "_commit: 0.3.0" in (project / ".copier-answers.yml").read_text()
    assert GITIGNORE_LINE in (project / ".gitignore").read_text().splitlines()


def test_the_projects_setting_verifies_every_update_unless_told_not_to(
    latest: History, tmp_path: Path, cli: Cli
) -> None:
    project = role_project(latest, tmp_path / "loan-study", f"verify = {json.dumps(NO_LOG_LINE)}")
    before = snapshot(project)
    assert cli("update", str(project)).code == EXIT_VERIFY_FAILED
    assert snapshot(project) == before
    result = cli("update", str(project), "--no-verify")
    assert result.code == 0, result.err
    assert "_commit: 0.3.0" in (project / ".copier-answers.yml").read_text()


def test_conflicts_skip_the_check_and_exit_3(latest: History, tmp_path: Path, cli: Cli) -> None:
    project = role_project(latest, tmp_path / "loan-study")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("MIT; see [LICENSE](LICENSE).", "Mine."))
    git(project, "commit", "--quiet", "--all", "-m", "My licence line")
    result = cli("update", str(project), "--verify-command", "exit 1")
    assert result.code == EXIT_CONFLICTS, result.err
    assert result.out.endswith("conflict: README.md\n")
    assert "_commit: 0.3.0" in (project / ".copier-answers.yml").read_text()


def test_a_third_party_project_is_checked_by_the_command_its_user_names(
    tmp_path: Path, cli: Cli
) -> None:
    repo = tmp_path / "copier-template"
    commit_version(repo, copier_files(1, {"check.sh": "echo fine\n"}), "v1.0")
    commit_version(repo, copier_files(2, {"check.sh": "echo broken by v2; exit 3\n"}), "v2.0")
    project = tmp_path / "proj"
    generate_from(cli, repo, project, "--vcs-ref", "v1.0")
    before = snapshot(project)
    refused = cli("update", str(project), "--verify")
    assert refused.code == 1
    assert refused.err == (
        "error: --verify needs the project's check: pass --verify-command COMMAND, or keep it "
        'in pyproject.toml as [tool.scaffolder] verify = "COMMAND"\n'
    )
    result = cli("update", str(project), "--verify-command", "sh check.sh")
    assert result.code == EXIT_VERIFY_FAILED
    assert result.err.splitlines()[0] == "  broken by v2"
    assert "the project stays at v1.0" in result.err
    assert snapshot(project) == before
    assert cli("update", str(project), "--verify-command", "test -f new.txt").code == 0
    assert json.loads((project / RECORD_FILE).read_text())["ref"] == "v2.0"
    commit_all(project, "updated")


@pytest.mark.slow
def test_make_check_refuses_a_template_change_that_breaks_the_projects_tests(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roles' own check (make check, the default) in the worktree: 0.2.0 of these templates
    adds a failing test to the project; the update is refused and the tree is byte-identical."""
    import os

    from tests.history import release, set_version, source_checkout
    from tests.projects import UV

    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(UV).resolve().parent), os.environ["PATH"]])
    )
    monkeypatch.setenv("UV_COMPILE_BYTECODE", "1")
    source = source_checkout(tmp_path / "src")
    v1 = TemplateStore.from_source(source)
    _ = v1.bundle
    broken = source / "templates" / ROLE / "template" / "tests" / "test_broken_by_the_template.py"
    broken.write_text(
        'def test_the_template_broke_me() -> None:\n    assert sum([1]) == 2, "broken"\n'
    )
    set_version(source, "0.2.0")
    release(source, "0.2.0")
    latest = TemplateStore.from_source(source)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: latest))
    project = tmp_path / "loan-study"
    generate(project, role=ROLE, data={"project_name": "Loan Study"}, store=v1)
    before = snapshot(project)
    result = cli("update", str(project), "--verify")
    assert result.code == EXIT_VERIFY_FAILED, result.err
    *tail, last = result.err.splitlines()
    assert "the project stays at 0.1.0" in last
    assert any("make: ***" in line for line in tail), result.err  # make check's own last lines
    assert snapshot(project) == before
