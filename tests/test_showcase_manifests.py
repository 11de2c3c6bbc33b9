"""Each role's own showcase.yml, as ``scaffold new`` renders it: a story, not a data dump.

Read by scaffolder's own manifest reader, so a key the schema does not know, a placeholder
without a value or a source list that misses the Makefile or the lock file fails here, before
any evidence exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.generate import generate
from scaffolder.showcase.manifest import load
from scaffolder.store import TemplateStore

ROLES = ("analyst", "data-engineer", "ml-engineer", "researcher")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_manifest_tells_a_judged_story_from_fresh_sources(
    role: str, tmp_path: Path, store: TemplateStore
) -> None:
    project = tmp_path / "p"
    generate(project, role=role, data={"project_name": "Probe"}, store=store)
    manifest = load(project)
    for item in manifest.items.values():
        # the Makefile rule that makes it and the locked environment are part of its provenance
        assert {"Makefile", "uv.lock"} <= set(item.sources), item.id
        if item.kind == "metrics":
            assert item.show, f"{item.id}: a metrics item shows the keys it picks, never a dump"
    assert manifest.finding
    assert "{" in manifest.finding  # its numbers come from the evidence
    assert 2 <= len(manifest.headline) <= 4
    unjudged = [
        h.label
        for h in manifest.headline
        if (h.target, h.baseline, h.ceiling) == (None, None, None)
        and manifest.items[h.evidence].kind != "claims"
    ]
    assert unjudged == [], "every headline tile carries a verdict"
    synthetic = "not synthetic" not in manifest.data
    assert ("Synthetic" in manifest.data) == synthetic
    assert manifest.limitations
    assert manifest.next
    assert all("." not in h.label.split()[0] for h in manifest.headline)
