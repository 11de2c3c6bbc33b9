"""``scaffold showcase``: README region, page, card and ``--check``, on a real generated repo.

The repository's user wrote their own showcase.yml (one item of every kind) and evidence, and
stamped it with the generated ``<package>.evidence`` module: see tests/showcase_project.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from scaffolder.errors import EXIT_SHOWCASE_STALE, ShowcaseError
from scaffolder.showcase import card, readme, showcase
from scaffolder.store import TemplateStore
from tests.conftest import Cli
from tests.history import git
from tests.showcase_project import AUC, P99, make_project, stamp, write_evidence

OUTSIDE = "A paragraph of my own, below the region: never touched.\n"


@pytest.fixture(scope="module")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import _isolate

    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(tmp_path_factory.mktemp("home"), monkeypatch)
        return make_project(tmp_path_factory.mktemp("showcase") / "lab", TemplateStore.installed())


@pytest.fixture
def project(template_project: Path, tmp_path: Path) -> Path:
    """A fresh copy (with its git history) of the project, for each test to change."""
    dest = tmp_path / "lab"
    shutil.copytree(template_project, dest, symlinks=True)
    return dest


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def region_text(project: Path) -> str:
    text = (project / "README.md").read_text()
    return text.split(readme.START, 1)[1].split(readme.END, 1)[0]


def test_region_and_page_hold_the_evidence_numbers_with_their_provenance(project: Path) -> None:
    head = git(project, "rev-parse", "--short=7", "HEAD").strip()
    report = showcase(project)
    assert report.problems == []
    assert "README.md" in report.written
    assert "site/index.html" in report.written

    region = region_text(project)
    assert f"**{AUC:.3f}**" in region
    assert f"**{P99}\u2009ms**" in region
    assert "evidence/metrics.json, test.roc_auc; made by make evidence at commit" in region
    assert "evidence/latency.csv, row single, column p99_ms" in region
    # The stamp's commit is the one the evidence was made at, before it was committed.
    stamp_commit = json.loads((project / "evidence" / "provenance.json").read_text())["items"]
    assert {s["commit"][:7] for s in stamp_commit.values()} == {
        git(project, "rev-parse", "--short=7", "HEAD~1").strip()
    }
    assert head not in region
    assert "2 of 3 claims within tolerance (published 1/1, certified 1/1, regression 0/1)" in region
    assert "```mermaid\nflowchart LR" in region
    assert "- **Evaluation without leakage**" in region

    page = (project / "site" / "index.html").read_text()
    assert f"{AUC:.3f}" in page
    assert "17.25\u2009ms" in page
    assert "Über Loan Lab — 2" in page
    assert "&lt;b&gt;loans&lt;/b&gt;" in page  # the model card's raw HTML is escaped
    assert "secret.png" not in page  # and its images (which would leave site/) dropped
    assert (project / "site" / "evidence" / "roc.png").read_bytes() == (
        project / "evidence" / "roc.png"
    ).read_bytes()
    assert "http://" not in page
    assert "https://" not in page


def test_a_second_run_changes_zero_bytes_and_text_outside_the_region_is_kept(
    project: Path,
) -> None:
    readme_path = project / "README.md"
    readme_path.write_text(readme_path.read_text() + OUTSIDE)
    showcase(project)
    first = tree_hashes(project)
    report = showcase(project)
    assert report.written == []
    assert tree_hashes(project) == first
    assert readme_path.read_text().endswith(OUTSIDE)


def test_markers_inside_a_code_fence_are_text_not_a_region(project: Path) -> None:
    readme_path = project / "README.md"
    fenced = f"\n```markdown\n{readme.START}\nexample\n{readme.END}\n```\n"
    readme_path.write_text(fenced + readme_path.read_text())
    showcase(project)
    assert readme_path.read_text().startswith(fenced)
    region = readme.find(readme_path.read_text())
    assert region.start > fenced.count("\n")


def test_check_passes_when_fresh_and_names_each_stale_case(project: Path, cli: Cli) -> None:
    showcase(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Showcase")
    assert cli("showcase", str(project), "--check").code == 0

    # Code that makes the evidence changed: stale, naming the source.
    (project / "src" / "lab" / "model.py").write_text("MODEL = 2\n")
    result = cli("showcase", str(project), "--check")
    assert result.code == EXIT_SHOWCASE_STALE
    assert "stale: evidence/metrics.json is stale: src/lab/model.py changed" in result.err
    git(project, "checkout", "--", "src")

    # A config too.
    (project / "configs" / "train.toml").write_text("seed = 2\n")
    result = cli("showcase", str(project), "--check")
    assert "evidence/claims.csv is stale: configs/train.toml changed" in result.err
    git(project, "checkout", "--", "configs")

    # Evidence edited after it was made.
    (project / "evidence" / "metrics.json").write_text('{"test": {"roc_auc": 0.99}}\n')
    result = cli("showcase", str(project), "--check")
    assert result.code == EXIT_SHOWCASE_STALE
    assert "evidence/metrics.json changed after make evidence made it" in result.err
    git(project, "checkout", "--", "evidence")

    # A number typed into the region by hand.
    readme_path = project / "README.md"
    readme_path.write_text(readme_path.read_text().replace(f"**{AUC:.3f}**", "**0.950**"))
    result = cli("showcase", str(project), "--check")
    assert "the showcase region was edited by hand" in result.err
    assert "README.md is not what scaffold showcase would write" in result.err
    git(project, "checkout", "--", "README.md")

    # The page deleted: check says what would be written.
    (project / "site" / "card.png").unlink()
    result = cli("showcase", str(project), "--check")
    assert "site/card.png is not what scaffold showcase would write; run it" in result.err
    git(project, "checkout", "--", "site")
    assert cli("showcase", str(project), "--check").code == 0


def test_check_fails_on_evidence_made_at_another_commit(project: Path, cli: Cli) -> None:
    git(project, "checkout", "--quiet", "-b", "experiment")
    (project / "notes.txt").write_text("an experiment\n")
    git(project, "add", "notes.txt")
    git(project, "commit", "--quiet", "-m", "Experiment")
    write_evidence(project, auc=0.7)
    stamp(project)  # made at the experiment's commit
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Experiment evidence")
    evidence = {p: (project / p).read_bytes() for p in ("evidence/metrics.json",)}
    provenance = (project / "evidence" / "provenance.json").read_bytes()
    git(project, "checkout", "--quiet", "main")
    for name, data in evidence.items():
        (project / name).write_bytes(data)
    (project / "evidence" / "provenance.json").write_bytes(provenance)
    result = cli("showcase", str(project), "--check")
    assert result.code == EXIT_SHOWCASE_STALE
    assert "which is not in this branch's history" in result.err


def test_without_check_it_warns_and_writes(project: Path, cli: Cli) -> None:
    (project / "src" / "lab" / "model.py").write_text("MODEL = 3\n")
    result = cli("showcase", str(project))
    assert result.code == 0
    assert "warning: evidence/metrics.json is stale" in result.err
    assert (project / "site" / "index.html").is_file()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: (p / "evidence" / "roc.png").unlink(),
            "error: evidence/roc.png is missing (evidence 'roc'); run make evidence\n",
        ),
        (
            lambda p: (p / "evidence" / "metrics.json").write_text("{broken"),
            "error: evidence/metrics.json is malformed (metrics: Expecting property name",
        ),
        (
            lambda p: (p / "evidence" / "latency.csv").write_text("case,p99_ms\nsingle\n"),
            "error: evidence/latency.csv is malformed (table: line 2 has 1 cells, the header 2)",
        ),
        (
            lambda p: (p / "showcase.yml").write_text(
                (p / "showcase.yml").read_text().replace("kind: table", "kind: spreadsheet")
            ),
            "error: showcase.yml: evidence item 'latency' has kind 'spreadsheet'; the kinds are",
        ),
        (
            lambda p: (p / "showcase.yml").write_text("schema: 1\nevidence: [\n"),
            "error: showcase.yml is not valid YAML at line 3; fix it\n",
        ),
        (
            lambda p: (p / "showcase.yml").write_text(
                (p / "showcase.yml").read_text().replace("key: test.roc_auc", "key: test.nope")
            ),
            "error: evidence/metrics.json has no key 'test.nope' (headline 'ROC AUC (held out)')",
        ),
        (
            lambda p: (p / "showcase.yml").write_text(
                (p / "showcase.yml")
                .read_text()
                .replace("path: evidence/roc.png", "path: ../outside.png")
            ),
            "error: showcase.yml: evidence item 'roc' names '../outside.png', which is not a "
            "path inside the repository",
        ),
        (
            lambda p: (p / "README.md").write_text("# No region here\n"),
            "error: README.md has no showcase region; put the lines",
        ),
    ],
    ids=[
        "missing-file",
        "broken-metrics",
        "ragged-table",
        "unknown-kind",
        "bad-yaml",
        "missing-key",
        "escaping-path",
        "no-region",
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(
    project: Path, cli: Cli, change: object, message: str
) -> None:
    assert callable(change)
    change(project)
    before = tree_hashes(project)
    result = cli("showcase", str(project))
    assert result.code == 1
    assert result.err.startswith(message)
    assert result.err.count("\n") == 1
    assert tree_hashes(project) == before


def test_outside_a_generated_repository_is_refused(tmp_path: Path, cli: Cli) -> None:
    result = cli("showcase", str(tmp_path))
    assert result.code == 1
    assert result.err == (
        f"error: {tmp_path} is not in a repository made by scaffold new (no .copier-answers.yml"
        " here or above); run scaffold showcase inside one\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_it_runs_from_a_subfolder(project: Path, cli: Cli) -> None:
    result = cli("showcase", str(project / "src" / "lab"))
    assert result.code == 0, result.err
    assert (project / "site" / "index.html").is_file()


LONGEST_TITLE = "Zeta Über Ĺoan Risk: a Very Long Title for a Project — Wiederholt " * 2


@pytest.mark.parametrize("title", ["A", "Über — 2", LONGEST_TITLE, "W" * 90])
def test_card_is_1280x640_deterministic_small_and_its_text_fits(title: str) -> None:
    numbers = [("0.812", "ROC AUC (held out)"), ("1234567.89\u2009ms", "p99 " * 20), ("35/37", "x")]
    png, boxes = card.render_card(title, "ml-engineer", numbers)
    again, _ = card.render_card(title, "ml-engineer", numbers)
    assert png == again
    assert len(png) < 1_000_000
    image = Image.open(io.BytesIO(png))
    assert image.size == (1280, 640)
    for box in boxes:
        assert card.MARGIN - 2 <= box.left < box.right <= card.WIDTH - card.MARGIN + 2, box
        assert 0 <= box.top < box.bottom <= card.HEIGHT, box
    # no text runs into other text: titles, values, two-line labels and the footer
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.right <= b.left or b.right <= a.left or a.bottom <= b.top or b.bottom <= a.top
            assert apart, (a, b)


def test_card_glyphs_are_checked_against_the_bundled_font() -> None:
    assert card.missing_glyphs("Über — 2 ✓ Ĺoan") == []
    assert card.missing_glyphs("ローン") == ["ロ", "ン", "ー"]  # sorted by code point
    with pytest.raises(ShowcaseError, match="cannot draw: ロ ン ー; change project_name"):
        card.render_card("ローン", "analyst", [])


def test_region_survives_a_hand_edit_outside_it_through_git_merge(project: Path) -> None:
    """Template edits around the markers and a showcase inside them merge without conflict."""
    showcase(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Showcase")
    readme_path = project / "README.md"
    base = git(project, "show", "HEAD~1:README.md")
    # "theirs": the README as a newer template would change it, right around the markers
    theirs = base.replace(readme.START, "Results are measured, never typed.\n\n" + readme.START)
    theirs = theirs.replace(readme.END, readme.END + "\n\nSee the page for figures.")
    (project / "theirs.md").write_text(theirs)
    (project / "base.md").write_text(base)
    merged = subprocess.run(
        ["git", "merge-file", "-p", str(readme_path), str(project / "base.md"), "theirs.md"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0, merged.stdout
    assert "Results are measured, never typed." in merged.stdout
    assert f"**{AUC:.3f}**" in merged.stdout
