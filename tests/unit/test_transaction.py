"""All-or-nothing changes (scaffolder.transaction) on real folders and git repositories:
``new_project`` builds beside the destination and moves it into place or removes it;
``staged`` is a throwaway worktree; ``staged_changes``, ``refused_paths`` and ``apply`` copy
the staged result into the user's tree, undoing every step on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffolder import transaction
from scaffolder.errors import DestinationError, GitError, ScaffolderError
from scaffolder.generate import check_destination
from scaffolder.transaction import (
    STAGING_PREFIX,
    Change,
    apply,
    make_parents,
    new_project,
    refused_paths,
    staged,
    staged_changes,
)
from tests.thirdparty_templates import git, tree


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` (git's own folder aside): a file's bytes, None for a folder."""
    return {
        p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(root.rglob("*"))
        if ".git" not in p.relative_to(root).parts
    }


def worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line]


FILES = {
    "README.md": "hello\n",
    "src/app.py": "x = 1\n",
    "old.txt": "old\n",
    ".gitignore": "*.log\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tree(tmp_path / "project", FILES)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "made")
    return project


def build_then_raise(dest: Path, error: BaseException) -> None:
    with new_project(dest) as stage:
        tree(stage.project, {"a.txt": "a\n"})
        raise error


def update(stage: transaction.Stage) -> None:
    """A template update: one file changed, one added in a new folder, one deleted."""
    tree(stage.project, {"README.md": "hello, updated\n", "docs/new.md": "new\n"})
    (stage.project / "old.txt").unlink()


def test_a_new_project_is_moved_into_place_leaving_no_staging_folder(tmp_path: Path) -> None:
    dest = tmp_path / "made" / "deep" / "proj"
    with new_project(dest) as stage:
        assert stage.folder.parent == dest.parent
        assert stage.folder.name.startswith(STAGING_PREFIX)
        tree(stage.project, {"a.txt": "a\n", "sub/b.txt": "b\n"})
    assert snapshot(dest) == {"a.txt": b"a\n", "sub": None, "sub/b.txt": b"b\n"}
    assert [p.name for p in dest.parent.iterdir()] == ["proj"]
    umask = os.umask(0)
    os.umask(umask)
    assert dest.stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_project_rendered_into_a_subfolder_of_the_stage_is_the_one_moved(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "proj"
    with new_project(dest) as stage:
        tree(stage.folder, {"render/out/a.txt": "a\n", "render/leftover.txt": "x\n"})
        stage.project = stage.folder / "render" / "out"
    assert snapshot(dest) == {"a.txt": b"a\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]


def test_a_failure_inside_new_project_leaves_nothing_and_is_reraised(tmp_path: Path) -> None:
    tree(tmp_path, {"neighbour.txt": "mine\n"})
    before = snapshot(tmp_path)
    dest = tmp_path / "parent" / "proj"
    with pytest.raises(RuntimeError, match="render broke"):
        build_then_raise(dest, RuntimeError("render broke"))
    assert snapshot(tmp_path) == before


def test_ctrl_c_inside_new_project_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "proj"
    with pytest.raises(KeyboardInterrupt):
        build_then_raise(dest, KeyboardInterrupt())
    assert list(tmp_path.iterdir()) == []


def test_an_existing_empty_destination_is_filled_keeping_the_folder(tmp_path: Path) -> None:
    dest = tmp_path / "proj"
    dest.mkdir()
    inode = dest.stat().st_ino
    with new_project(dest) as stage:
        tree(stage.project, {"a.txt": "a\n"})
    assert dest.stat().st_ino == inode
    assert snapshot(dest) == {"a.txt": b"a\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]


def test_a_failure_with_an_existing_destination_leaves_it_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "proj"
    dest.mkdir()
    with pytest.raises(OSError, match="disk gone"):
        build_then_raise(dest, OSError("disk gone"))
    assert dest.is_dir()
    assert list(dest.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]


def test_a_destination_with_something_in_it_is_refused_before_any_staging(
    tmp_path: Path,
) -> None:
    # Every caller runs check_destination before new_project: a folder with something in it is
    # refused before any work (new_project refuses it again when it moves the project in).
    tree(tmp_path, {"proj/mine.txt": "mine\n", "file": "not a folder\n"})
    before = snapshot(tmp_path)
    with pytest.raises(DestinationError, match="is not empty"):
        check_destination(tmp_path / "proj")
    with pytest.raises(DestinationError, match="is not a folder"):
        check_destination(tmp_path / "file")
    assert snapshot(tmp_path) == before


def test_a_destination_filled_while_the_project_is_made_is_never_overwritten(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "proj"
    dest.mkdir()

    def made_while_the_user_saves() -> None:
        with new_project(dest) as stage:
            tree(stage.project, {"a.txt": "template\n", "b.txt": "template\n"})
            tree(dest, {"a.txt": "mine\n"})  # the user saves a file meanwhile

    with pytest.raises(DestinationError, match="no longer empty"):
        made_while_the_user_saves()
    assert snapshot(dest) == {"a.txt": b"mine\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]


def test_make_parents_returns_only_the_topmost_folder_it_created(tmp_path: Path) -> None:
    assert make_parents(tmp_path / "a" / "b" / "c") == [tmp_path / "a"]
    assert (tmp_path / "a" / "b" / "c").is_dir()
    assert make_parents(tmp_path / "a" / "b") == []


def test_staged_is_a_worktree_at_head_removed_afterwards(project: Path) -> None:
    tree(project, {"untracked.txt": "mine\n"})
    before = worktrees(project)
    with staged(project / "src") as stage:
        assert stage.top == project.resolve()
        assert stage.prefix == "src/"
        assert stage.project == stage.tree / "src"
        committed = snapshot(project)
        del committed["untracked.txt"]
        assert snapshot(stage.tree) == committed
        assert (stage.tree / "src/app.py").read_text() == FILES["src/app.py"]
        assert not (stage.tree / "untracked.txt").exists()
        assert len(worktrees(project)) > len(before)
        folder = stage.tree.parent
    assert not folder.exists()
    assert worktrees(project) == before


def test_staged_is_removed_when_the_block_fails(project: Path) -> None:
    before = worktrees(project)
    trees: list[Path] = []

    def merge_then_fail() -> None:
        with staged(project) as stage:
            trees.append(stage.tree)
            tree(stage.tree, {"README.md": "changed\n"})
            raise ValueError("merge broke")

    with pytest.raises(ValueError, match="merge broke"):
        merge_then_fail()
    assert not trees[0].parent.exists()
    assert worktrees(project) == before
    assert snapshot(project) == {**{n: t.encode() for n, t in FILES.items()}, "src": None}


def test_staged_outside_a_repository_is_a_git_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not in a git repository"), staged(tmp_path):
        pass


def test_staged_changes_lists_modified_added_and_deleted_files(project: Path) -> None:
    with staged(project) as stage:
        update(stage)
        tree(stage.tree, {"build.log": "ignored but written\n"})
        changes = staged_changes(stage)
    assert sorted(changes, key=lambda c: c.path) == [
        Change("README.md", deleted=False),
        Change("build.log", deleted=False),
        Change("docs/new.md", deleted=False),
        Change("old.txt", deleted=True),
    ]


def test_apply_writes_the_stage_into_the_project_and_the_index_agrees(project: Path) -> None:
    with staged(project) as stage:
        update(stage)
        git(stage.tree, "add", "-A")
        expected = snapshot(stage.tree)
        apply(stage)
    assert snapshot(project) == expected
    status = git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(status) == ["A  docs/new.md", "D  old.txt", "M  README.md"]
    assert git(project, "diff") == ""


def test_a_failure_during_apply_undoes_every_file_already_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    index = (project / ".git" / "index").read_bytes()
    place = transaction._place
    calls: list[Path] = []

    def place_then_fail(source: Path, target: Path) -> None:
        if calls:
            raise OSError("copy failed")
        calls.append(target)
        place(source, target)

    monkeypatch.setattr(transaction, "_place", place_then_fail)
    with staged(project) as stage:
        update(stage)
        tree(stage.project, {"src/app.py": "x = 2\n"})
        with pytest.raises(OSError, match="copy failed"):
            apply(stage)
    assert calls  # one file was written before the failure
    assert snapshot(project) == before
    assert (project / ".git" / "index").read_bytes() == index
    assert git(project, "status", "--porcelain") == ""
    assert not list((project / ".git").glob("scaffold-update-backup-*"))


def test_refused_paths_are_ignored_files_the_update_would_overwrite(project: Path) -> None:
    tree(project, {"debug.log": "my notes\n"})
    with staged(project) as stage:
        tree(stage.tree, {"debug.log": "from the template\n", "fine.txt": "ok\n"})
        changes = staged_changes(stage)
        assert refused_paths(stage, changes) == ["debug.log"]
        with pytest.raises(ScaffolderError, match=r"debug\.log") as caught:
            apply(stage)
    assert "git does not track" in caught.value.message
    assert (project / "debug.log").read_text() == "my notes\n"
    assert not (project / "fine.txt").exists()


def test_a_path_below_an_untracked_file_or_symlink_is_refused(
    project: Path, tmp_path: Path
) -> None:
    tree(project, {"cache.log": "a file\n"})
    (project / "link.log").symlink_to(tmp_path)
    with staged(project) as stage:
        changes = [
            Change("cache.log/inner.txt", deleted=False),
            Change("link.log", deleted=False),
            Change("src/app.py", deleted=False),
            Change("docs/new.md", deleted=False),
        ]
        assert refused_paths(stage, changes) == ["cache.log/inner.txt", "link.log"]
