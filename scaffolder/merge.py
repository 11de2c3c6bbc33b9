"""A three-way merge of two renders of a template into a project, file by file, through git.

``base`` is the template as the project was made (the recorded version and answers), ``theirs``
the template as it is to become, ``ours`` the project with the user's edits. For each file:

* the template did not change it: the user's version stays (edited or deleted);
* the user left it as the template made it: the new template's version (or its removal);
* the user deleted it: it stays deleted;
* both changed it: ``git merge-file``; a conflict is a real git conflict, markers in the file
  and the three versions in the index (stages 1, 2, 3), so ``git status`` shows it unmerged;
* the template removed a file the user changed: kept, unmerged (stages 1 and 2).

With ``--conflict rej``, as for the roles (Copier's way), a conflicted file takes the template's
new version with the user's change applied hunk by hunk, and the hunks that do not apply are
written beside it as ``FILE.rej``; the ``.rej`` files are the conflicts until they are deleted.

The merge writes into a staged copy of the project (:func:`scaffolder.transaction.staged`); only
its finished result reaches the user's tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from packaging.version import Version

from scaffolder import gitrepo, transaction
from scaffolder.errors import ScaffolderError
from scaffolder.project_state import Updated, verify_staged

SKIPPED = {".git"}
Conflict = Literal["inline", "rej"]


@dataclass
class Merged:
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def files(root: Path) -> dict[str, Path]:
    """Every file (or symlink) below ``root``, by its path relative to it, .git left out."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED]
        for name in filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
            path = Path(dirpath, name)
            found[path.relative_to(root).as_posix()] = path
    return found


def _same(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.is_symlink() or b.is_symlink():
        return a.is_symlink() and b.is_symlink() and a.readlink() == b.readlink()
    return a.read_bytes() == b.read_bytes() and _executable(a) == _executable(b)


def _executable(path: Path) -> bool:
    return bool(path.stat().st_mode & 0o111)


def merge_renders(
    base: Path,
    theirs: Path,
    project: Path,
    *,
    tree: Path,
    prefix: str,
    skip: Callable[[str], bool],
    rej: bool = False,
) -> Merged:
    """Merge the change from ``base`` to ``theirs`` into ``project`` (inside git work tree
    ``tree``, at ``prefix``). Paths ``skip`` accepts are left to the caller."""
    old, new = files(base), files(theirs)
    result = Merged()
    stages: list[str] = []
    for relative in sorted(p for p in set(old) | set(new) if not skip(p)):
        before, after = old.get(relative), new.get(relative)
        if _same(before, after):
            continue
        target = project / relative
        _check_type(project, relative, target)
        mine = target if (target.is_file() or target.is_symlink()) else None
        if mine is not None and _same(mine, after):
            continue
        if mine is None and before is not None:
            continue  # the user deleted it: it stays deleted
        if mine is None or _same(mine, before):
            _take(after, target)  # untouched by the user: the template's new version
            result.changed.append(relative)
            continue
        if rej:
            _apply_rejecting(before, mine, after, relative)
            result.changed.append(relative)
            if target.with_name(f"{target.name}.rej").is_file():
                result.conflicts.append(f"{relative}.rej")
            continue
        index_path = prefix + relative
        if after is None:  # the template removed a file the user changed
            stages += _stage_lines(tree, index_path, {1: before, 2: mine})
        else:
            text = _text(before, mine, after)
            merged = _merge_file(mine, before, after, relative) if text else None
            if merged is not None and merged[0]:
                mine.write_bytes(merged[1])
                result.changed.append(relative)
                continue
            stages += _stage_lines(tree, index_path, {1: before, 2: mine, 3: after})
            if merged is not None:
                mine.write_bytes(merged[1])  # the markers, after git has the user's version
        result.changed.append(relative)
        result.conflicts.append(relative)
    if stages:
        gitrepo.run(["update-index", "-z", "--index-info"], tree, stdin="\0".join(stages) + "\0")
    return result


def update_staged(
    project: Path,
    base: Path,
    theirs: Path,
    *,
    skip: Callable[[str], bool],
    write_record: Callable[[Path], None],
    versions: tuple[Version | str, Version | str],
    new_answers: Mapping[str, Any],
    conflict: Conflict,
    pretend: bool,
    verify: str | None = None,
) -> Updated:
    """Every update, of any kind of project: merge ``base`` -> ``theirs`` into a staged copy of
    ``project``, let ``write_record`` move its record there, run the ``verify`` check on it
    (unless it has conflicts), then (unless pretending) apply the result all or nothing
    (:mod:`scaffolder.transaction`)."""
    with transaction.staged(project) as stage:
        merged = merge_renders(
            base, theirs, stage.project, tree=stage.tree, prefix=stage.prefix, skip=skip,
            rej=conflict == "rej",
        )  # fmt: skip
        write_record(stage.project)
        result = Updated(
            project,
            versions[0],
            versions[1],
            changed=sorted(gitrepo.uncommitted(stage.project)),
            conflicts=sorted(merged.conflicts),
            pretend=pretend,
            new_answers=dict(new_answers),
            dependencies_changed=bool(gitrepo.uncommitted(stage.project, "pyproject.toml")),
        )
        if pretend:
            return result
        if verify and not result.conflicts:
            verify_staged(stage.tree, stage.prefix, verify, versions)
        transaction.apply(stage)
    return result


def _check_type(project: Path, relative: str, target: Path) -> None:
    for parent in [target, *target.parents]:
        if parent == project:
            return
        if parent == target and target.is_dir() and not target.is_symlink():
            raise ScaffolderError(
                f"the template has a file {relative} where your project has a folder; rename "
                f"yours (git mv {relative} NEW-NAME), commit, and run scaffold update again"
            )
        if parent != target and (parent.is_file() or parent.is_symlink()):
            shown = parent.relative_to(project).as_posix()
            raise ScaffolderError(
                f"the template has a folder {shown} where your project has a file; rename "
                f"yours (git mv {shown} NEW-NAME), commit, and run scaffold update again"
            )


def _take(source: Path | None, target: Path) -> None:
    if target.is_symlink() or target.is_file():
        target.unlink()
    if source is None:
        parent = target.parent
        while parent.is_dir() and not any(parent.iterdir()) and parent.name:
            parent.rmdir()
            parent = parent.parent
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        target.symlink_to(source.readlink())
    else:
        shutil.copy2(source, target)


def _apply_rejecting(before: Path | None, mine: Path, after: Path | None, relative: str) -> None:
    """``--conflict rej``, as the roles have it: the template's new version takes the file, the
    user's change (``before`` to ``mine``) is applied onto it hunk by hunk, and the hunks that do
    not apply go to ``FILE.rej`` (``git apply --reject``)."""
    rej = mine.with_name(f"{mine.name}.rej")
    if after is None or not _text(before, mine, after):
        kept = "removed" if after is None else "changed"
        rej.write_text(
            f"The template {kept} {relative}, which you changed; your version is kept in it.\n"
        )
        return
    with tempfile.TemporaryDirectory(prefix="scaffold-rej-") as scratch:
        root = Path(scratch)
        for side, source in (("a", before), ("b", mine), ("work", after)):
            (root / side).mkdir()
            (root / side / "f").write_bytes(source.read_bytes() if source is not None else b"")
        git = gitrepo.require_git()
        patch = subprocess.run(
            [git, "diff", "--no-index", "--no-prefix", "a/f", "b/f"],
            cwd=root, capture_output=True, check=False,
        ).stdout  # fmt: skip
        (root / "patch").write_bytes(patch)
        subprocess.run(
            [git, "apply", "--reject", "-p1", "--whitespace=nowarn", "../patch"],
            cwd=root / "work", capture_output=True, check=False,
        )  # fmt: skip
        shutil.copyfile(root / "work" / "f", mine)
        rejected = root / "work" / "f.rej"
        if rejected.is_file():
            hunks = rejected.read_text(errors="replace").split("\n", 1)[1]
            rej.write_text(f"diff a/{relative} b/{relative}\t(rejected hunks)\n{hunks}")


def _text(*paths: Path | None) -> bool:
    for path in paths:
        if path is not None and (path.is_symlink() or b"\0" in path.read_bytes()[:8000]):
            return False
    return True


def _merge_file(mine: Path, before: Path | None, after: Path, relative: str) -> tuple[bool, bytes]:
    """``git merge-file``'s result: whether it merged cleanly, and the merged (or marked) text."""
    with tempfile.TemporaryDirectory(prefix="scaffold-merge-") as scratch:
        base = Path(scratch) / "base"
        base.write_bytes(before.read_bytes() if before is not None else b"")
        outcome = subprocess.run(
            [gitrepo.require_git(), "merge-file", "-p", "-L", relative, "-L",
             f"{relative} (base)", "-L", f"{relative} (template)", str(mine), str(base),
             str(after)],
            capture_output=True, check=False,
        )  # fmt: skip
    if outcome.returncode < 0 or outcome.returncode > 127:
        detail = outcome.stderr.decode(errors="replace").strip()
        raise ScaffolderError(f"git merge-file failed on {relative}: {detail}")
    return outcome.returncode == 0, outcome.stdout


def _stage_lines(tree: Path, index_path: str, versions: dict[int, Path | None]) -> list[str]:
    lines = [f"0 {'0' * 40}\t{index_path}"]
    for number, path in sorted(versions.items()):
        if path is None:
            continue
        if path.is_symlink():
            sha = gitrepo.run(["hash-object", "-w", "--stdin"], tree, stdin=str(path.readlink()))
            mode = "120000"
        else:
            sha = gitrepo.run(["hash-object", "-w", "--no-filters", str(path)], tree)
            mode = "100755" if _executable(path) else "100644"
        lines.append(f"{mode} {sha.stdout.strip()} {number}\t{index_path}")
    return lines
