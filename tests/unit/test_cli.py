"""The command line through its real entry point: exact messages and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from scaffolder import __version__
from scaffolder.engines import copier_engine
from scaffolder.errors import EXIT_INTERRUPTED
from tests.conftest import Cli

ROLES = ["analyst", "data-engineer", "ml-engineer", "researcher"]


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out) == (0, f"scaffold {__version__}\n")


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_every_command(cli: Cli, flag: str) -> None:
    result = cli(flag)
    assert result.code == 0
    for command in ("roles", "new", "update", "check"):
        assert f"  {command} " in result.out


def test_roles_json_is_for_scripts(cli: Cli) -> None:
    result = cli("roles", "--json")
    roles = json.loads(result.out)
    assert [r["name"] for r in roles] == ROLES
    assert all(r["title"] and r["skills"] and r["stack"] and r["example"] for r in roles)


def test_roles_listing_names_every_role_and_splits_no_word(cli: Cli) -> None:
    result = cli("roles")
    assert result.code == 0
    lines = result.out.splitlines()
    for role in ROLES:
        assert any(line.startswith(f"{role} ") for line in lines), role
    shown_words = set(result.out.split())
    for entry in json.loads(cli("roles", "--json").out):
        for text in (entry["summary"], entry["example"], *entry["skills"], *entry["stack"]):
            for word in text.replace(",", " ").split():
                assert word in shown_words or f"{word}," in shown_words, word


@pytest.mark.parametrize(("answer", "has_dockerfile"), [("no", False), ("True", True)])
def test_yes_no_answers_are_read_as_booleans(
    cli: Cli, tmp_path: Path, answer: str, has_dockerfile: bool
) -> None:
    dest = tmp_path / "svc"
    result = cli(
        "new",
        str(dest),
        "--role",
        "ml-engineer",
        "--defaults",
        "--no-git",
        "--data",
        f"container={answer}",
    )
    assert result.code == 0, result.err
    assert (dest / "Dockerfile").is_file() is has_dockerfile
    assert f"container: {str(has_dockerfile).lower()}" in (dest / ".copier-answers.yml").read_text()


def test_new_generates_a_committed_repository(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "Über Loan Risk 2"
    result = cli("new", str(dest), "--role", "ml-engineer", "--defaults")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Created {dest}: ")
    assert "files from the ml-engineer template and committed them.\n" in result.out
    assert (dest / "src" / "uber_loan_risk_2" / "__init__.py").is_file()
    log = subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True)
    assert log.stdout == "Initial commit from scaffold new\n"
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True
    )
    assert status.stdout == ""
    assert not list(tmp_path.glob(".scaffold-new-*"))


def test_new_into_an_existing_empty_folder_keeps_the_folder(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()
    inode = dest.stat().st_ino
    assert cli("new", str(dest), "--role", "analyst", "--defaults").code == 0
    assert dest.stat().st_ino == inode
    assert (dest / "pyproject.toml").is_file()


def test_answers_from_data_and_data_file(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("license: BSD-3-Clause\nauthor_name: Ada Lovelace\n_commit: 0.0.1\n")
    dest = tmp_path / "proj"
    result = cli(
        "new",
        str(dest),
        "--role",
        "researcher",
        "--defaults",
        "--data-file",
        str(answers),
        "--data",
        "author_name=Grace Hopper",
        "--data",
        "package_name=study",
    )
    assert result.code == 0, result.err
    license_text = (dest / "LICENSE").read_text()
    assert license_text.startswith("BSD 3-Clause License")
    assert "Grace Hopper" in license_text
    assert (dest / "src" / "study").is_dir()


def test_no_git(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "proj"
    result = cli("new", str(dest), "--role", "analyst", "--defaults", "--no-git")
    assert result.code == 0
    assert "committed" not in result.out
    assert not (dest / ".git").exists()


def test_pretend_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "proj"
    result = cli("new", str(dest), "--role", "analyst", "--defaults", "--pretend")
    assert result.code == 0
    assert f"pretend: nothing was written; {dest} would hold the analyst template\n" in result.err
    assert list(tmp_path.iterdir()) == []


# The analyst role's keys: the shared questions and its own (dashboard, dataset_size).
KNOWN_KEYS = (
    "author_email, author_name, dashboard, data_seed, dataset_size, description, github_user, "
    "license, linkedin, package_name, project_name, python_version, role, site_url, website"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "astronaut", "--defaults"],
            "unknown role 'astronaut'; choose one of: analyst, data-engineer, ml-engineer, "
            "researcher (see: scaffold roles)",
        ),
        (
            ["--defaults"],
            "no role given; pass --role ROLE, one of: "
            "analyst, data-engineer, ml-engineer, researcher",
        ),
        (
            ["--role", "analyst"],
            "no terminal to ask questions on; pass --defaults "
            "(with --role and any --data key=value) "
            "to answer without prompts",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "project_name=../../etc"],
            "the project name '../../etc' contains '..' or a path separator; give a plain title "
            "such as 'Loan Risk'",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "project_name=a/b"],
            "the project name 'a/b' contains '..' or a path separator; give a plain title such as "
            "'Loan Risk'",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "project_name=!!!"],
            "no package name can be derived from the project name '!!!'; use letters or digits, "
            "or pass --data package_name=NAME",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "project_name="],
            "the project name is empty; give a title such as 'Loan Risk'",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "package_name=class"],
            "the package name 'class' is a Python keyword; choose another name",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "package_name=my-pkg"],
            "the package name 'my-pkg' is not a valid Python identifier of "
            "lowercase ASCII letters, "
            "digits and underscores starting with a letter",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "colour=blue"],
            f"unknown answer key 'colour'; the keys are: {KNOWN_KEYS}",
        ),
        (
            ["--role", "ml-engineer", "--defaults", "--data", "container=maybe"],
            "container='maybe' is not yes or no; give container=true or container=false",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "license"],
            "--data 'license' is not key=value, e.g. --data license=MIT",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "license=GPL"],
            "license='GPL' is not a choice; choose one of: MIT, Apache-2.0, BSD-3-Clause",
        ),
        (
            ["--role", "data-engineer", "--defaults", "--data", "engine=spark"],
            "engine='spark' is not a choice; choose one of: duckdb, duckdb_spark",
        ),
        (
            ["--role", "analyst", "--defaults", "--data", "author_email=nope"],
            "Validation error for question 'author_email': 'nope' is not an email address such as "
            "you@example.com",
        ),
        (
            ["--role", "analyst", "--defaults", "--pretend", "--setup"],
            "--pretend writes nothing for --setup to install; drop one",
        ),
        (
            ["--role", "analyst", "--defaults", "--data-file", "missing.yml"],
            "--data-file missing.yml does not exist; give a YAML file of answers",
        ),
    ],
)
def test_bad_input_gets_one_line_and_writes_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = cli("new", "proj", *args)
    assert (result.code, result.out, result.err) == (1, "", f"error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_broken_data_file(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "answers.yml"
    broken.write_text("license: [MIT\n")
    result = cli(
        "new", str(tmp_path / "p"), "--role", "analyst", "--defaults", "--data-file", str(broken)
    )
    assert (result.code, result.err) == (
        1,
        f"error: --data-file {broken} is not valid YAML (line 2); write one key: value per line\n",
    )
    broken.write_text("- MIT\n")
    result = cli(
        "new", str(tmp_path / "p"), "--role", "analyst", "--defaults", "--data-file", str(broken)
    )
    assert (
        result.err
        == f"error: --data-file {broken} must hold key: value pairs, not a list or text\n"
    )
    assert not (tmp_path / "p").exists()


def test_an_existing_folder_is_never_touched(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "thesis.tex").write_text("years of work\n")
    result = cli("new", str(dest), "--role", "analyst", "--defaults")
    assert (result.code, result.err) == (
        1,
        f"error: {dest} exists and is not empty; choose a new folder, or empty this one first\n",
    )
    assert [p.name for p in dest.iterdir()] == ["thesis.tex"]
    assert (dest / "thesis.tex").read_text() == "years of work\n"


def test_a_file_in_the_way(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("keep me\n")
    result = cli("new", str(tmp_path / "notes"), "--role", "analyst", "--defaults")
    assert (
        result.err
        == f"error: {tmp_path / 'notes'} exists and is not a folder; choose a new folder name\n"
    )
    assert (tmp_path / "notes").read_text() == "keep me\n"


def test_a_path_holding_the_path_separator(cli: Cli, tmp_path: Path) -> None:
    """A title with a colon is fine; a folder with one would split PATH for uv run."""
    dest = tmp_path / "Q4: Ops"
    result = cli("new", str(dest), "--role", "analyst", "--defaults")
    assert (result.code, result.out, result.err) == (
        1,
        "",
        f"error: the path {dest} contains ':', which breaks the project's virtual environment "
        "(PATH); choose a folder without it and give the title with --data project_name=TITLE\n",
    )
    assert list(tmp_path.iterdir()) == []
    ok = cli(
        "new",
        str(tmp_path / "q4"),
        "-r",
        "analyst",
        "--defaults",
        "--no-git",
        "--data",
        "project_name=Q4: Ops",
    )
    assert ok.code == 0, ok.err
    assert "# Q4: Ops" in (tmp_path / "q4" / "README.md").read_text()


def test_git_missing(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = cli("new", str(tmp_path / "p"), "--role", "analyst", "--defaults")
    assert (result.code, result.err) == (
        1,
        "error: git was not found on PATH; install git (https://git-scm.com) and retry\n",
    )
    assert not (tmp_path / "p").exists()


def test_setup_without_uv_keeps_the_project_and_says_what_to_do(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_uv = [d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "uv").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(without_uv))
    monkeypatch.delenv("UV", raising=False)  # set when the suite runs under uv run
    dest = tmp_path / "proj"
    result = cli("new", str(dest), "--role", "analyst", "--defaults", "--setup")
    assert (result.code, result.err) == (
        1,
        "error: --setup needs uv, which is not on PATH; install uv (pipx install uv, or "
        "python3 -m pip install --target ~/.uv uv and add ~/.uv/bin to PATH), "
        f"then run make setup in {dest} (the project itself was created)\n",
    )
    assert (dest / "pyproject.toml").is_file()


def test_ctrl_c_mid_render_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_render = copier_engine.render_bundled

    def render_then_interrupt(store: object, dest: Path, **kwargs: object) -> object:
        real_render(store, dest, **kwargs)  # type: ignore[arg-type]
        assert (dest / "pyproject.toml").is_file()  # half-way: files exist in the staging folder
        raise KeyboardInterrupt

    monkeypatch.setattr(copier_engine, "render_bundled", render_then_interrupt)
    dest = tmp_path / "deep" / "proj"
    result = cli("new", str(dest), "--role", "analyst", "--defaults")
    assert (result.code, result.err) == (
        EXIT_INTERRUPTED,
        "interrupted: nothing was left half-written\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_update_outside_a_project(cli: Cli, tmp_path: Path) -> None:
    result = cli("update", str(tmp_path / "nowhere"))
    assert (result.code, result.err) == (
        1,
        f"error: {tmp_path / 'nowhere'} does not exist; give the path of a generated project\n",
    )


def test_update_with_bad_options(cli: Cli, tmp_path: Path) -> None:
    result = cli("update", str(tmp_path), "--conflict", "merge")
    assert result.code == 2
    assert "Invalid value for '--conflict'" in result.err


def test_an_unexpected_error_is_a_short_notice_with_a_log(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("scaffolder.roles.list_roles", broken)
    result = cli("roles")
    assert result.code == 70
    assert result.err.startswith("internal error: RuntimeError: disk on fire; details in ")
    log = Path(result.err.split("details in ")[1].split(";")[0])
    assert "Traceback" in log.read_text()


def test_ctrl_c_while_filling_an_existing_folder_empties_it_again(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()
    real_rename = Path.rename
    calls = []

    def rename_then_interrupt(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) == 3:  # a few entries are already in place
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename_then_interrupt)
    result = cli("new", str(dest), "--role", "analyst", "--defaults")
    assert result.code == EXIT_INTERRUPTED
    assert list(dest.iterdir()) == []
    assert list(tmp_path.iterdir()) == [dest]


def complete(cli: Cli, monkeypatch: pytest.MonkeyPatch, line: str) -> list[str]:
    """What bash completion offers for the last word of ``line``."""
    words = line.split(" ")
    monkeypatch.setenv("_SCAFFOLD_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    result = cli(*words[1:])
    assert result.code == 0, result.err
    return result.out.splitlines()


def test_shell_completion_of_roles_and_answers(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert complete(cli, monkeypatch, "scaffold new --role d") == ["data-engineer"]
    assert complete(cli, monkeypatch, "scaffold new -r data-engineer --data eng") == [
        "engine=duckdb",
        "engine=duckdb_spark",
    ]
    assert complete(cli, monkeypatch, "scaffold new --role ml-engineer --data cont") == [
        "container=true",
        "container=false",
    ]
    assert complete(cli, monkeypatch, "scaffold new --data license=A") == ["license=Apache-2.0"]
    # Without a role, every role's keys; free-text questions complete to key=.
    assert "engine=duckdb" in complete(cli, monkeypatch, "scaffold new --data e")
    assert complete(cli, monkeypatch, "scaffold new --data author_n") == ["author_name="]

    # update completes the project's own role's keys, without those it cannot change.
    monkeypatch.delenv("_SCAFFOLD_COMPLETE")
    project = tmp_path / "study"
    assert cli("new", str(project), "-r", "researcher", "--defaults", "--no-git").code == 0
    offered = complete(cli, monkeypatch, f"scaffold update {project} --data ")
    assert "pipeline=dvc" in offered
    assert not [o for o in offered if o.startswith(("engine=", "role=", "package_name="))]


@pytest.mark.parametrize("template", ["--role", "--template"])
def test_a_value_error_inside_the_engine_is_a_bug_to_report_not_a_user_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    """Copier raising ValueError is a bug (ours or Copier's): exit 70 and a log, never exit 1."""
    import copier

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("an unexpected value")

    monkeypatch.setattr(copier, "run_copy", broken)
    if template == "--role":
        args = ["--role", "analyst"]
    else:
        source = tmp_path / "tpl"
        source.mkdir()
        (source / "copier.yml").write_text("name:\n  type: str\n  default: x\n")
        args = ["--template", str(source)]
    result = cli("new", str(tmp_path / "made"), *args, "--defaults")
    assert result.code == 70, result.err
    assert result.err.startswith("internal error: ValueError: an unexpected value; details in ")
    assert not (tmp_path / "made").exists()
