"""A showcased repository updated across template releases: the region never conflicts.

Through the real three-release bundle history (tests/history.py): generate at 0.1.0, add
evidence, run ``scaffold showcase``, commit, then ``scaffold update`` to 0.3.0, whose
templates change the README, and to 0.4.0, which changes the lines right around the markers.
"""

from __future__ import annotations

import pytest

from scaffolder.showcase import readme, showcase
from scaffolder.store import TemplateStore
from scaffolder.update import update
from tests.history import ROLE, build_history, git, release, set_version
from tests.showcase_project import AUC, make_project

AROUND = "Every number below is read from a file the code wrote."


def test_update_after_showcase_merges_without_conflict_in_the_region(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    history = build_history(tmp_path_factory.mktemp("history"))
    project = make_project(tmp_path_factory.mktemp("p") / "lab", history.v1, role=ROLE)
    showcase(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Showcase")
    region_before = readme.find((project / "README.md").read_text()).body

    # 0.3.0 as the history makes it, released; then 0.4.0 edits the lines around the markers.
    release(history.source, "0.3.0")
    role_readme = history.source / "templates" / ROLE / "template" / "README.md.jinja"
    text = role_readme.read_text()
    assert readme.START in text
    role_readme.write_text(text.replace(readme.START, f"{AROUND}\n\n{readme.START}"))
    set_version(history.source, "0.4.0")
    latest = TemplateStore.from_source(history.source)
    result = update(project, store=latest)
    assert result.conflicts == []
    assert str(result.to_version) == "0.4.0"
    after = (project / "README.md").read_text()
    assert AROUND in after
    assert readme.find(after).body == region_before
    assert f"**{AUC:.3f}**" in after
    assert "<<<<<<<" not in after
    assert showcase(project, check=True).problems == []
