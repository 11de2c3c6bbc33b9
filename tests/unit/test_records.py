"""The records a generated project keeps (scaffolder.records): scaffolder's own record, cruft's,
plain Copier's answers and a role's answers file, each written and read back; every malformed
file refused with an AnswersFileError that says how to restore it; find_project's search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.errors import AnswersFileError, ScaffolderError
from scaffolder.records import (
    COPIER_ANSWERS_FILE,
    CRUFT_FILE,
    RECORD_FILE,
    TemplateRecord,
    find_project,
    has_record,
    read_answers,
    read_record,
    record_file,
    write_record,
)
from scaffolder.store import CANONICAL_URL
from tests.thirdparty_templates import git

COMMIT_A = "0123456789abcdef0123456789abcdef01234567"
COMMIT_B = "fedcba9876543210fedcba9876543210fedcba98"


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return path


def cruft_data(**changes: Any) -> dict[str, Any]:
    context = {"project_name": "Demo", "_template": "/src/tpl", "_commit": COMMIT_A}
    data = {
        "template": "/src/tpl",
        "commit": COMMIT_A,
        "checkout": None,
        "directory": "sub",
        "context": {"cookiecutter": context},
        "skip": ["data/", "notes.txt"],
    }
    return {**data, **changes}


def unsound(project: Path, name: str) -> str:
    with pytest.raises(AnswersFileError) as caught:
        read_answers(project) if name == "answers" else read_record(project)
    assert isinstance(caught.value, ScaffolderError)
    assert "\n" not in caught.value.message
    return caught.value.message


def test_scaffolders_own_record_round_trips(tmp_path: Path) -> None:
    record = TemplateRecord(
        source="gh:o/t",
        ref="v2.0",
        commit=COMMIT_B,
        engine="copier",
        directory="tpl",
        answers={"project_name": "Démo", "n": 3},
    )
    write_record(tmp_path, record)
    assert record_file(tmp_path) == RECORD_FILE
    assert read_record(tmp_path) == record
    unknown_commit = TemplateRecord(source="/t", ref="v1", commit=None, engine="cookiecutter")
    write_record(tmp_path, unknown_commit)
    assert read_record(tmp_path) == unknown_commit


def test_a_cruft_record_round_trips_keeping_its_own_keys(tmp_path: Path) -> None:
    write(tmp_path / CRUFT_FILE, cruft_data())
    record = read_record(tmp_path)
    assert (record.source, record.commit, record.ref) == ("/src/tpl", COMMIT_A, COMMIT_A[:12])
    assert (record.engine, record.directory, record.file) == ("cookiecutter", "sub", CRUFT_FILE)
    assert record.answers == {"project_name": "Demo"}
    assert record.skipped("data/x.csv")
    assert record.skipped(CRUFT_FILE)
    assert not record.skipped("database.txt")
    moved = record.moved_to("v2.0", COMMIT_B, {"project_name": "Other"})
    write_record(tmp_path, moved)
    again = read_record(tmp_path)
    assert again == moved
    assert again.skip == record.skip
    data = json.loads((tmp_path / CRUFT_FILE).read_text())
    assert data["checkout"] == "v2.0"
    assert data["directory"] == "sub"
    assert data["context"]["cookiecutter"] == {
        "project_name": "Other",
        "_template": "/src/tpl",
        "_commit": COMMIT_B,
    }


def test_a_cruft_record_at_a_bare_commit_writes_no_checkout(tmp_path: Path) -> None:
    write(tmp_path / CRUFT_FILE, cruft_data(checkout="v1.0"))
    record = read_record(tmp_path)
    assert record.ref == "v1.0"
    write_record(tmp_path, record.moved_to(COMMIT_B[:12], COMMIT_B, record.answers))
    assert json.loads((tmp_path / CRUFT_FILE).read_text())["checkout"] is None
    assert read_record(tmp_path).ref == COMMIT_B[:12]


def test_a_plain_copier_record_is_taken_from_the_new_render(tmp_path: Path) -> None:
    answers = {"_src_path": "https://example.org/t.git", "_commit": "v1.0", "name": "x"}
    write(tmp_path / "project" / COPIER_ANSWERS_FILE, yaml.safe_dump(answers))
    project = tmp_path / "project"
    record = read_record(project)
    assert (record.source, record.ref, record.commit) == (answers["_src_path"], "v1.0", None)
    assert (record.engine, record.file) == ("copier", COPIER_ANSWERS_FILE)
    assert record.answers == {"name": "x"}
    rendered = write(
        tmp_path / "render" / COPIER_ANSWERS_FILE,
        yaml.safe_dump({**answers, "_commit": "v2.0-1-gabc1234", "name": "y"}),
    )
    write_record(project, record.moved_to("v2.0", None, {"name": "y"}), rendered.parent)
    assert (project / COPIER_ANSWERS_FILE).read_bytes() == rendered.read_bytes()
    assert read_record(project).ref == "v2.0-1-gabc1234"
    with pytest.raises(AnswersFileError, match=r"renders no \.copier-answers\.yml"):
        write_record(project, record, tmp_path / "empty")


def test_record_file_prefers_scaffolders_record_and_ignores_a_roles_answers(
    tmp_path: Path,
) -> None:
    write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump({"_src_path": CANONICAL_URL}))
    assert record_file(tmp_path) is None
    assert not has_record(tmp_path)
    write(tmp_path / COPIER_ANSWERS_FILE, "{broken: [\n")
    assert record_file(tmp_path) is None
    write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump({"_src_path": "/elsewhere"}))
    assert record_file(tmp_path) == COPIER_ANSWERS_FILE
    write(tmp_path / CRUFT_FILE, cruft_data())
    assert record_file(tmp_path) == CRUFT_FILE
    write(tmp_path / RECORD_FILE, {})
    assert record_file(tmp_path) == RECORD_FILE
    assert has_record(tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (RECORD_FILE, "{not json", "cannot be read as JSON"),
        (RECORD_FILE, [1, 2], "does not hold a record"),
        (RECORD_FILE, {"source": "/t", "engine": "copier"}, "lacks ref"),
        (RECORD_FILE, {"source": "/t", "ref": "v1", "engine": "jinja"}, "unknown engine 'jinja'"),
        (
            RECORD_FILE,
            {"source": "/t", "ref": "v1", "engine": "copier", "answers": [1]},
            "answers must be a mapping",
        ),
        (CRUFT_FILE, cruft_data(commit=""), "(cruft's record) lacks commit"),
        (CRUFT_FILE, cruft_data(context={"cookiecutter": "x"}), "context.cookiecutter"),
    ],
)
def test_a_malformed_record_is_refused_with_how_to_restore_it(
    tmp_path: Path, name: str, content: Any, words: str
) -> None:
    write(tmp_path / name, content)
    message = unsound(tmp_path, "record")
    assert words in message
    assert f"restore it with: git -C {tmp_path} checkout -- {name}" in message


def test_a_project_without_a_record_or_copiers_commit_is_refused(tmp_path: Path) -> None:
    assert "holds no record of a template" in unsound(tmp_path, "record")
    write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump({"_src_path": "/tpl", "name": "x"}))
    assert "records no _commit" in unsound(tmp_path, "record")


def test_a_roles_answers_are_read_with_their_version(tmp_path: Path) -> None:
    data = {"_commit": "v1.10.0", "_src_path": CANONICAL_URL, "role": "lib", "name": "pkg"}
    path = write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump(data))
    answers = read_answers(tmp_path)
    assert (answers.path, answers.role, answers.answers) == (
        path,
        "lib",
        {"role": "lib", "name": "pkg"},
    )
    assert str(answers.version) == "1.10.0"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no .copier-answers.yml in"),
        ("role: lib\n_commit: [1,\n", "is not valid YAML at line 3"),
        ("- a\n- b\n", "does not hold a mapping"),
        (yaml.safe_dump({"_src_path": CANONICAL_URL}), "lacks _commit, role"),
        (
            yaml.safe_dump({"_commit": "x", "_src_path": CANONICAL_URL, "role": "lib"}),
            "which is not a version number",
        ),
    ],
)
def test_a_broken_answers_file_is_refused_with_how_to_restore_it(
    tmp_path: Path, content: str | None, words: str
) -> None:
    if content is not None:
        write(tmp_path / COPIER_ANSWERS_FILE, content)
    message = unsound(tmp_path, "answers")
    assert words in message
    assert f"git -C {tmp_path} checkout -- {COPIER_ANSWERS_FILE}" in message


def test_answers_naming_another_template_point_to_copier(tmp_path: Path) -> None:
    data = {"_commit": "1.0", "_src_path": "gh:o/t", "role": "lib"}
    write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump(data))
    message = unsound(tmp_path, "answers")
    assert "'gh:o/t'" in message
    assert "update it with copier instead" in message


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "project" / "src" / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    write(repo / "project" / RECORD_FILE, {})
    write(repo / "project" / "src" / "pkg" / "mod.py", "x = 1\n")
    return repo


def test_find_project_goes_up_from_a_subfolder_or_a_file(repo: Path) -> None:
    project = repo / "project"
    assert find_project(project / "src" / "pkg") == project
    assert find_project(project / "src" / "pkg" / "mod.py") == project
    assert find_project(project / "src" / ".." / "src") == project


def test_find_project_takes_relative_and_home_paths(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "project" / "src")
    assert find_project(Path("pkg")) == repo / "project"
    monkeypatch.setenv("HOME", str(repo))
    assert find_project(Path("~/project/src")) == repo / "project"


def test_find_project_stops_at_the_git_root(repo: Path, tmp_path: Path) -> None:
    write(tmp_path / COPIER_ANSWERS_FILE, yaml.safe_dump({"_src_path": "/outside"}))
    (repo / "docs").mkdir()
    assert find_project(repo / "docs") == repo
    role = write(repo / "docs" / COPIER_ANSWERS_FILE, yaml.safe_dump({"_src_path": CANONICAL_URL}))
    assert find_project(role) == repo / "docs"


def test_find_project_outside_git_answers_the_path_and_refuses_a_missing_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain" / "deep").mkdir(parents=True)
    assert find_project(tmp_path / "plain" / "deep") == tmp_path / "plain" / "deep"
    with pytest.raises(ScaffolderError, match=r"does not exist; give the path of a generated"):
        find_project(tmp_path / "missing" / "x")


def test_a_record_of_a_folder_render_reads_back(tmp_path: Path) -> None:
    folder_render = TemplateRecord(source="/t", ref="", commit=None, engine="cookiecutter")
    write_record(tmp_path, folder_render)
    assert read_record(tmp_path) == folder_render


def test_a_cruft_ref_that_begins_the_commit_is_kept(tmp_path: Path) -> None:
    write(tmp_path / CRUFT_FILE, cruft_data())
    commit = "1" + COMMIT_B[1:]
    moved = read_record(tmp_path).moved_to(commit[:1], commit, {"project_name": "Demo"})
    write_record(tmp_path, moved)
    assert read_record(tmp_path).ref == "1"
