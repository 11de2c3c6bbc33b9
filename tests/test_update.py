"""Tier 4: ``scaffold update`` end to end, against a real three-release template history."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scaffolder.errors import EXIT_PROJECT_AHEAD, AnswersFileError, GitError, ScaffolderError
from scaffolder.generate import generate
from scaffolder.store import CANONICAL_URL, TemplateStore
from scaffolder.update import status, update
from tests.conftest import Cli
from tests.history import (
    GITIGNORE_LINE,
    MAKEFILE_TARGET,
    NEW_FILE,
    ROLE,
    History,
    build_history,
    git,
)

USER_LINE = "# A note the user added: this must survive every update."
USER_LICENSE_LINE = "Licensed as MIT, by me."


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history"))


def make_project(history: History, dest: Path, *, conflicting: bool = False) -> Path:
    """A project generated at 0.1.0 and then changed by its user, all committed."""
    generate(dest, role=ROLE, data={"project_name": "Loan Study"}, store=history.v1)
    claims = dest / "src" / "loan_study" / "claims.py"
    claims.write_text(claims.read_text() + USER_LINE + "\n")
    (dest / ".editorconfig").unlink()
    if conflicting:
        readme = dest / "README.md"
        readme.write_text(
            readme.read_text().replace("MIT; see [LICENSE](LICENSE).", USER_LICENSE_LINE)
        )
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "-m", "My changes")
    return dest


def answers(project: Path) -> dict[str, object]:
    data = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def updated(history: History, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project taken from 0.1.0 to 0.3.0 in a single step, without conflicts."""
    project = make_project(history, tmp_path_factory.mktemp("clean") / "loan-study")
    result = update(project, store=history.latest)
    assert (str(result.from_version), str(result.to_version)) == ("0.1.0", "0.3.0")
    assert result.conflicts == []
    return project


def test_user_edits_survive(updated: Path) -> None:
    assert USER_LINE in (updated / "src" / "loan_study" / "claims.py").read_text()


def test_template_changes_from_every_version_between_arrive(updated: Path) -> None:
    assert MAKEFILE_TARGET in (updated / "Makefile").read_text()  # 0.2.0
    assert (updated / NEW_FILE).read_text() == "# Contributing\n"  # 0.2.0
    assert GITIGNORE_LINE in (updated / ".gitignore").read_text().splitlines()  # 0.3.0
    assert answers(updated)["_commit"] == "0.3.0"


def test_a_file_the_user_deleted_stays_deleted(updated: Path) -> None:
    assert not (updated / ".editorconfig").exists()


def test_answers_file_names_no_machine_path(updated: Path) -> None:
    recorded = answers(updated)
    assert recorded["_src_path"] == CANONICAL_URL
    assert "/" not in (updated / ".copier-answers.yml").read_text().replace(CANONICAL_URL, "")


def test_update_to_a_chosen_version(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study")
    result = update(project, to="0.2.0", store=history.latest)
    assert str(result.to_version) == "0.2.0"
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert GITIGNORE_LINE not in (project / ".gitignore").read_text().splitlines()
    assert answers(project)["_commit"] == "0.2.0"


def test_update_works_from_a_moved_store(history: History, tmp_path: Path) -> None:
    """A wheel-style store whose bundle lives elsewhere (a new venv, another machine)."""
    project = make_project(history, tmp_path / "loan-study")
    moved = tmp_path / "elsewhere" / "site-packages" / "scaffolder"
    moved.mkdir(parents=True)
    bundle = moved / "templates.bundle"
    bundle.write_bytes(history.latest.bundle.read_bytes())
    store = TemplateStore(history.latest.templates_dir, "0.3.0", bundle=bundle)
    result = update(project, store=store)
    assert str(result.to_version) == "0.3.0"
    assert GITIGNORE_LINE in (project / ".gitignore").read_text().splitlines()


def test_conflicts_are_marked_listed_and_reported_by_exit_code(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(history, tmp_path / "loan-study", conflicting=True)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    result = cli("update", str(project))
    assert result.code == 3
    assert "conflict: README.md\n" in result.out
    assert result.err == (
        "1 conflict: resolve the marked files, then commit "
        "(the pre-commit hook refuses unresolved markers)\n"
    )
    readme = (project / "README.md").read_text()
    assert "<<<<<<<" in readme
    assert ">>>>>>>" in readme
    assert USER_LICENSE_LINE in readme
    assert "Released under MIT" in readme
    assert USER_LINE in (project / "src" / "loan_study" / "claims.py").read_text()


def test_conflicts_as_rej_files(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study", conflicting=True)
    result = update(project, conflict="rej", store=history.latest)
    assert result.conflicts == ["README.md.rej"]
    # The template's version takes the file; the user's rejected hunk waits in the .rej file.
    assert "<<<<<<<" not in (project / "README.md").read_text()
    assert "Released under MIT" in (project / "README.md").read_text()
    assert f"+{USER_LICENSE_LINE}" in (project / "README.md.rej").read_text()


def test_a_dirty_tree_is_refused_and_nothing_changes(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study")
    (project / "notes.txt").write_text("work in progress\n")
    before = git(project, "status", "--porcelain")
    makefile = (project / "Makefile").read_text()
    with pytest.raises(GitError) as refused:
        update(project, store=history.latest)
    assert refused.value.message == (
        f"{project} has uncommitted changes (notes.txt); commit or stash them, "
        "then run scaffold update"
    )
    assert git(project, "status", "--porcelain") == before
    assert (project / "Makefile").read_text() == makefile


def test_pretend_changes_nothing(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study")
    head = git(project, "rev-parse", "HEAD")
    result = update(project, pretend=True, store=history.latest)
    assert result.pretend
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head


def test_check_reports_an_available_update_by_exit_code(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(history, tmp_path / "loan-study")
    assert not status(project, store=history.latest).up_to_date
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    result = cli("check", str(project))
    assert (result.code, result.out) == (
        4,
        "update available: template 0.1.0 -> 0.3.0 (scaffold update)\n",
    )
    assert cli("update", str(project)).code == 0
    # Up to date needs no clean tree: the update's own changes still wait for review.
    assert cli("update", str(project)).out == f"{project} is up to date (template 0.3.0).\n"
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Update the template")
    assert cli("check", str(project)).out == "up to date: template 0.3.0\n"
    assert cli("update", str(project)).out == f"{project} is up to date (template 0.3.0).\n"


def test_changed_answers_rerender_the_project_at_the_same_version(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--data`` re-answers questions: files follow the new answers, the user's edits stay."""
    project = make_project(history, tmp_path / "loan-study")
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.v1))
    report_tex = project / "paper" / "report.tex"
    assert not report_tex.exists()
    args = ("update", str(project), "--data", "report_format=latex", "--data", "license=Apache-2.0")
    assert cli(*args, "--pretend").out == (
        "pretend: would update at template 0.1.0 with report_format=latex license=Apache-2.0.\n"
    )
    assert git(project, "status", "--porcelain") == ""
    result = cli(*args)
    assert result.code == 0, result.err
    changed = git(project, "status", "--porcelain").splitlines()
    assert result.out == (
        f"Updated {project} at template 0.1.0 with report_format=latex license=Apache-2.0: "
        f"{len(changed)} files changed. Review with git diff, then commit.\n"
        "pyproject.toml changed: run make setup (uv lock and sync) before you commit, so the "
        "hooks and tests see the new dependencies.\n"
    )
    assert "?? paper/report.tex" in changed
    assert "Apache License" in (project / "LICENSE").read_text()
    assert 'license = "Apache-2.0"' in (project / "pyproject.toml").read_text()
    recorded = answers(project)
    assert (recorded["_commit"], recorded["report_format"], recorded["license"]) == (
        "0.1.0",
        "latex",
        "Apache-2.0",
    )
    assert USER_LINE in (project / "src" / "loan_study" / "claims.py").read_text()
    assert not (project / ".editorconfig").exists()
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "LaTeX report, Apache license")

    # Back again: the file the old answer brought is removed; the same answers change nothing.
    back = cli("update", str(project), "--data", "report_format=markdown")
    assert back.code == 0
    assert "pyproject.toml" not in back.out  # the license stays: the dependencies did not move
    assert not report_tex.exists()
    git(project, "commit", "--quiet", "--all", "-m", "Markdown report")
    again = cli("update", str(project), "--data", "report_format=markdown")
    assert again.out == f"{project} is up to date (template 0.1.0).\n"
    assert git(project, "status", "--porcelain") == ""


def test_answers_change_on_the_way_to_a_newer_version(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study")
    result = update(project, data={"license": "BSD-3-Clause"}, store=history.latest)
    assert (str(result.to_version), result.new_answers) == ("0.3.0", {"license": "BSD-3-Clause"})
    assert "Redistribution and use in source and binary forms" in (project / "LICENSE").read_text()
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert "Released under BSD-3-Clause" in (project / "README.md").read_text()
    assert answers(project)["license"] == "BSD-3-Clause"


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        (
            "role=analyst",
            "--data role: a project's role cannot change; generate a new one with "
            "scaffold new --role ROLE",
        ),
        (
            "package_name=other",
            "--data package_name: the package name cannot change in an update: your own code "
            "imports it, and the template would add a second package beside it; keep the "
            "recorded name",
        ),
        (
            "engine=spark",
            "unknown answer key 'engine'; the keys are: author_email, author_name, data_seed, "
            "description, github_user, license, linkedin, package_name, pipeline, project_name, "
            "python_version, report_format, role, site_url, website",
        ),
        ("pipeline=snakemake", "pipeline='snakemake' is not a choice; choose one of: make, dvc"),
        (
            "project_name=../x",
            "the project name '../x' contains '..' or a path separator; give "
            "a plain title such as 'Loan Risk'",
        ),
        ("license", "--data 'license' is not key=value, e.g. --data license=MIT"),
    ],
)
def test_answers_an_update_cannot_take_are_refused_and_nothing_changes(
    history: History,
    tmp_path: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    pair: str,
    message: str,
) -> None:
    project = make_project(history, tmp_path / "loan-study")
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    head = git(project, "rev-parse", "HEAD")
    result = cli("update", str(project), "--data", pair)
    assert (result.code, result.out, result.err) == (1, "", f"error: {message}\n")
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head


def test_update_outside_git_is_refused(history: History, tmp_path: Path) -> None:
    project = tmp_path / "loan-study"
    generate(project, role=ROLE, git=False, store=history.v1)
    with pytest.raises(GitError) as refused:
        update(project, store=history.latest)
    assert refused.value.message == (
        f"{project} is not in a git repository; update merges through git history: "
        "run git init, git add -A and git commit first"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            None,
            "no .copier-answers.yml in {p}: it was not generated by scaffold new, or the file "
            "was deleted (restore it with: git -C {p} checkout -- .copier-answers.yml)",
        ),
        (
            "role: [unclosed\n",
            "{p}/.copier-answers.yml is not valid YAML at line 2; restore it "
            "with: git -C {p} checkout -- .copier-answers.yml",
        ),
        (
            "- a list\n",
            "{p}/.copier-answers.yml does not hold a mapping of answers; restore it "
            "with: git -C {p} checkout -- .copier-answers.yml",
        ),
        (
            "role: researcher\n",
            "{p}/.copier-answers.yml lacks _commit, _src_path; restore it "
            "with: git -C {p} checkout -- .copier-answers.yml",
        ),
        (
            "_commit: banana\n_src_path: scaffolder:templates.git\nrole: researcher\n",
            "{p}/.copier-answers.yml records the template version 'banana', which is not a version "
            "number; restore it with: git -C {p} checkout -- .copier-answers.yml",
        ),
    ],
)
def test_an_unsound_answers_file_is_refused_with_exit_code_5(
    history: History, tmp_path: Path, cli: Cli, content: str | None, expected: str
) -> None:
    project = make_project(history, tmp_path / "loan-study")
    answers_file = project / ".copier-answers.yml"
    if content is None:
        answers_file.unlink()
    else:
        answers_file.write_text(content)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Break the answers")
    message = expected.format(p=project)
    with pytest.raises(AnswersFileError) as refused:
        update(project, store=history.latest)
    assert refused.value.message == message
    for command in ("check", "update"):
        result = cli(command, str(project))
        assert (result.code, result.err) == (5, f"error: {message}\n")


def test_unknown_and_older_target_versions_are_refused(history: History, tmp_path: Path) -> None:
    project = make_project(history, tmp_path / "loan-study")
    with pytest.raises(
        ScaffolderError,
        match=r"^template version 9.9.9 is not available; "
        r"available: 0.1.0, 0.2.0, 0.3.0$",
    ):
        update(project, to="9.9.9", store=history.latest)
    update(project, store=history.latest)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Update")
    with pytest.raises(ScaffolderError, match=r"newer than 0\.2\.0; downgrades are not supported"):
        update(project, to="0.2.0", store=history.latest)


def without_markers(path: Path) -> None:
    """Resolve a conflicted file the lazy way: keep both sides, drop the marker lines."""
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(
        "".join(x for x in lines if not x.startswith(("<<<<<<<", "=======", ">>>>>>>")))
    )


def test_unresolved_conflicts_fail_check_and_update_until_resolved(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(history, tmp_path / "loan-study", conflicting=True)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    assert cli("update", str(project)).code == 3
    refused = (
        3,
        "",
        f"error: the last update left 1 unresolved conflict in {project}: README.md; resolve "
        "the markers (and delete any .rej file), then commit\n",
    )
    for command in ("check", "update"):
        result = cli(command, str(project))
        assert (result.code, result.out, result.err) == refused, command
    git(project, "add", "--all")  # unmerged no more, but the markers are still there
    assert git(project, "ls-files", "--unmerged") == ""
    result = cli("check", str(project))
    assert (result.code, result.out, result.err) == refused
    git(project, "commit", "--quiet", "--no-verify", "-m", "Committed with markers")
    result = cli("check", str(project))
    assert (result.code, result.out, result.err) == refused
    without_markers(project / "README.md")
    git(project, "commit", "--quiet", "--all", "-m", "Resolved")
    assert cli("check", str(project)).out == "up to date: template 0.3.0\n"


def test_rej_files_are_unresolved_conflicts_too(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(history, tmp_path / "loan-study", conflicting=True)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    assert cli("update", str(project), "--conflict", "rej").code == 3
    result = cli("check", str(project))
    assert (result.code, result.err) == (
        3,
        f"error: the last update left 1 unresolved conflict in {project}: README.md.rej; "
        "resolve the markers (and delete any .rej file), then commit\n",
    )
    (project / "README.md.rej").unlink()
    assert cli("check", str(project)).code == 0


@pytest.mark.parametrize("to", ["0.2", "0.2.0.0", "v0.2.0"])
def test_a_version_is_a_pep_440_version(history: History, tmp_path: Path, to: str) -> None:
    """--to 0.2 is 0.2.0, as PEP 440 compares them; the tag git is given is the bundle's own."""
    project = make_project(history, tmp_path / "loan-study")
    result = update(project, to=to, store=history.latest)
    assert str(result.to_version) == "0.2.0"
    assert answers(project)["_commit"] == "0.2.0"
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("banana", "--to 'banana' is not a version number such as 0.2.0; available: "),
        ("0.4", "template version 0.4 is not available; available: "),
    ],
)
def test_a_version_that_is_not_there_is_refused_in_our_words(
    history: History,
    tmp_path: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    to: str,
    message: str,
) -> None:
    project = make_project(history, tmp_path / "loan-study")
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    result = cli("update", str(project), "--to", to)
    assert (result.code, result.err) == (1, f"error: {message}0.1.0, 0.2.0, 0.3.0\n")


def test_update_and_check_from_a_subfolder_find_the_project(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(history, tmp_path / "loan-study")
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    monkeypatch.chdir(project / "src" / "loan_study")
    assert cli("check").out == "update available: template 0.1.0 -> 0.3.0 (scaffold update)\n"
    result = cli("update", "..")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Updated {project} from template 0.1.0 to 0.3.0: ")
    assert answers(project)["_commit"] == "0.3.0"
    assert not (project / "src" / ".copier-answers.yml").exists()


def test_a_subfolder_of_another_repository_names_its_root(
    history: History, tmp_path: Path, cli: Cli
) -> None:
    repo = tmp_path / "other"
    (repo / "docs").mkdir(parents=True)
    git(repo, "init", "--quiet")
    (tmp_path / ".copier-answers.yml").write_text("outside the repository: never found\n")
    result = cli("check", str(repo / "docs"))
    assert (result.code, result.err) == (
        5,
        f"error: no .copier-answers.yml in {repo}: it was not generated by scaffold new, or the "
        f"file was deleted (restore it with: git -C {repo} checkout -- .copier-answers.yml)\n",
    )


def test_a_project_ahead_of_this_scaffolder_fails_check_and_update(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "loan-study"
    generate(project, role=ROLE, store=history.latest)  # made by 0.3.0
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.v1))
    message = (
        "error: the project is at template version 0.3.0, made by a newer scaffolder than this "
        "one (0.1.0); upgrade scaffolder (uv tool upgrade scaffold-portfolio, or pipx upgrade "
        "scaffold-portfolio)\n"
    )
    for command in ("check", "update"):
        result = cli(command, str(project))
        assert (result.code, result.out, result.err) == (EXIT_PROJECT_AHEAD, "", message)


def test_update_works_whatever_the_users_git_config(
    history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing without a usable key, and core.safecrlf refusing LF files under autocrlf."""
    project = make_project(history, tmp_path / "loan-study")
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test Author\n\temail = test@example.com\n"
        "[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = false\n"
        "[core]\n\tautocrlf = true\n\tsafecrlf = true\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    from plumbum import local  # Copier's git: plumbum took its environment at import time

    with local.env(GIT_CONFIG_GLOBAL=str(config)):
        result = update(project, store=history.latest)
    assert str(result.to_version) == "0.3.0"
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert b"\r\n" not in (project / "Makefile").read_bytes()
    assert USER_LINE in (project / "src" / "loan_study" / "claims.py").read_text()


def test_a_version_no_release_made_says_what_happened_and_what_to_do(
    history: History, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A development build recorded 0.1.5: install the release that made it, or --to."""
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: history.latest))
    project = make_project(history, tmp_path / "loan-study")
    path = project / ".copier-answers.yml"
    path.write_text(path.read_text().replace("_commit: 0.1.0", "_commit: 0.1.5"))
    git(project, "commit", "--quiet", "--all", "-m", "Made by a development build")
    result = cli("update", str(project))
    assert (result.code, result.out, result.err) == (
        1,
        "",
        "error: the project records template version 0.1.5, which no release of scaffolder "
        "has: a development build made it; install the scaffolder release that made the "
        "project, or update it with scaffold update --to VERSION (available: 0.1.0, 0.2.0, "
        "0.3.0)\n",
    )
    done = cli("update", str(project), "--to", "0.3.0")
    assert done.code == 0, done.err
    assert done.out.startswith(f"Updated {project} from template 0.1.5 to 0.3.0: ")
    assert "_commit: 0.3.0" in path.read_text()
    assert MAKEFILE_TARGET in (project / "Makefile").read_text()
    assert USER_LINE in (project / "src" / "loan_study" / "claims.py").read_text()
