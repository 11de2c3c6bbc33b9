"""The showcase page in a real browser (Debian Chromium through playwright), from disk."""

from __future__ import annotations

from pathlib import Path

from scaffolder.showcase import showcase
from scaffolder.store import TemplateStore
from tests.page_check import check_page
from tests.showcase_project import make_project


def test_page_opened_from_disk_is_clean_accessible_and_self_contained(
    tmp_path: Path, store: TemplateStore
) -> None:
    project = make_project(tmp_path / "lab", store)
    showcase(project)
    for width in (1280, 390):  # a laptop and a phone
        shot = tmp_path / f"page-{width}.png"
        verdict = check_page(project / "site", shot, width=width)
        assert verdict.console_errors == []
        assert verdict.outside_requests == []
        assert verdict.broken_images == []
        assert verdict.images == 2  # the ROC figure and the drawn lineage diagram
        assert verdict.scroll_width == width  # no sideways scroll, even on a phone
        assert verdict.small_text == []
        assert verdict.height < 12_000
        for raw in ("True", "False", "by_city", "flowchart LR", "<!--"):
            assert raw not in verdict.text
        assert verdict.violations == []
        assert shot.stat().st_size > 10_000
