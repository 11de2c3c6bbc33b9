"""The per-file three-way merge (scaffolder.merge) on its own: two renders and a git project."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import ScaffolderError
from scaffolder.merge import merge_renders
from tests.thirdparty_templates import git, tree


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tree(tmp_path / "project", {"run.sh": "echo hi\n", "README.md": "a\nb\nc\n"})
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "made")
    return project


def merge(base: Path, theirs: Path, project: Path) -> list[str]:
    merged = merge_renders(base, theirs, project, tree=project, prefix="", skip=lambda p: False)
    return merged.conflicts


def test_a_template_change_of_the_executable_bit_alone_reaches_the_project(
    tmp_path: Path, project: Path
) -> None:
    base = tree(tmp_path / "base", {"run.sh": "echo hi\n", "README.md": "a\nb\nc\n"})
    theirs = tree(tmp_path / "theirs", {"run.sh": "echo hi\n", "README.md": "a\nb\nc\n"})
    (theirs / "run.sh").chmod(0o755)
    assert merge(base, theirs, project) == []
    assert (project / "run.sh").stat().st_mode & 0o111
    assert "run.sh" in git(project, "status", "--porcelain")


def test_the_users_edit_and_the_templates_edit_merge_or_conflict(
    tmp_path: Path, project: Path
) -> None:
    base = tree(tmp_path / "base", {"README.md": "a\nb\nc\n"})
    theirs = tree(tmp_path / "theirs", {"README.md": "a\nb\nc, new\n"})
    (project / "README.md").write_text("a, mine\nb\nc\n")
    assert merge(base, theirs, project) == []
    assert (project / "README.md").read_text() == "a, mine\nb\nc, new\n"
    (project / "README.md").write_text("a\nb\nc, mine\n")
    assert merge(base, theirs, project) == ["README.md"]
    text = (project / "README.md").read_text()
    assert "<<<<<<< README.md\nc, mine\n=======\nc, new\n>>>>>>> README.md (template)\n" in text
    assert "README.md" in git(project, "ls-files", "--unmerged")


@pytest.mark.parametrize(
    ("template", "mine", "message"),
    [
        ("notes", "notes/a.txt", "the template has a file notes where your project has a folder"),
        ("notes/a.txt", "notes", "the template has a folder notes where your project has a file"),
    ],
)
def test_a_file_where_the_project_has_a_folder_is_refused(
    tmp_path: Path, project: Path, template: str, mine: str, message: str
) -> None:
    base = tree(tmp_path / "base", {})
    theirs = tree(tmp_path / "theirs", {template: "template\n"})
    tree(project, {mine: "mine\n"})
    with pytest.raises(ScaffolderError, match=message):
        merge(base, theirs, project)
    assert (project / mine).read_text() == "mine\n"
