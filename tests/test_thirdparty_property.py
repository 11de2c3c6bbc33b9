"""Property: whatever the user and the template change, no user-changed line is lost."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.errors import UnresolvedConflictsError
from scaffolder.thirdparty import new_from_template
from scaffolder.update import update
from tests.thirdparty_templates import SLUG, commit_version, git

LINES = 8
edits = st.dictionaries(st.integers(0, LINES - 1), st.sampled_from(["x", "yy", ""]), max_size=4)


def _template_files(engine: str, body: str) -> dict[str, str]:
    if engine == "cookiecutter":
        return {"cookiecutter.json": '{"project_slug": "demo"}', f"{SLUG}/notes.txt": body}
    return {"copier.yml": "project_name: Demo\n", "notes.txt": body}


@pytest.mark.parametrize("engine", ["cookiecutter", "copier"])
@settings(max_examples=12, deadline=None)
@given(user=edits, template=edits)
def test_every_user_changed_line_survives(
    engine: str, user: dict[int, str], template: dict[int, str]
) -> None:
    base = [f"line {i}" for i in range(LINES)]
    theirs = [
        f"{line} template{template[i]}" if i in template else line for i, line in enumerate(base)
    ]
    mine = [f"{line} user{user[i]}" if i in user else line for i, line in enumerate(base)]
    scratch = Path(tempfile.mkdtemp(prefix="scaffold-property-"))
    try:
        repo = scratch / "template"
        commit_version(repo, _template_files(engine, "\n".join(base) + "\n"), "v1")
        commit_version(repo, _template_files(engine, "\n".join(theirs) + "\n"), "v2")
        project = scratch / "project"
        new_from_template(project, template=str(repo), vcs_ref="v1")
        (project / "notes.txt").write_text("\n".join(mine) + "\n")
        git(project, "commit", "-q", "--allow-empty", "-am", "mine")
        result = update(project)
        text = (project / "notes.txt").read_text().splitlines()
        for index in user:
            assert mine[index] in text  # merged in, or on the user's side of a conflict
        if result.conflicts:
            assert result.conflicts == ["notes.txt"]
            with pytest.raises(UnresolvedConflictsError):
                update(project)
        else:
            for index in set(template) - set(user):
                assert theirs[index] in text
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
