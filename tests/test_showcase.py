"""``scaffold showcase``: README region, page, card and ``--check``, on a real generated repo.

The repository's user wrote their own showcase.yml (one item of every kind) and evidence, and
stamped it with the generated ``<package>.evidence`` module: see tests/showcase_project.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from scaffolder.errors import EXIT_SHOWCASE_STALE
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
    assert f"| ROC AUC (held out) | **{AUC:.3f}** |" in region
    assert f"**{P99}\u2009ms**" in region
    assert "[`metrics.json`](evidence/metrics.json)" in region
    assert "- **Evaluation without leakage**: [`evidence/metrics.json`]" in region
    assert "| **2/3** | \u2013 | 1 outside |" in region  # the claims tile, judged
    assert "```mermaid" not in region  # the diagram is drawn on the page
    assert len(region.strip("\n").splitlines()) <= 40
    assert not [line for line in region.splitlines() if line.startswith("## ")]

    page = (project / "site" / "index.html").read_text()
    # The stamp's commit is the one the evidence was made at, before it was committed.
    stamp_commit = json.loads((project / "evidence" / "provenance.json").read_text())["items"]
    made_at = {s["commit"][:7] for s in stamp_commit.values()}
    assert made_at == {git(project, "rev-parse", "--short=7", "HEAD~1").strip()}
    assert head not in page
    assert (
        f"evidence/metrics.json, test.roc_auc; made by make evidence at commit {made_at.pop()}"
        in page
    )
    assert "evidence/latency.csv, row single, column p99_ms" in page
    assert "2 of 3 claims within tolerance (published 1/1, certified 1/1, regression 0/1)" in page
    assert f"{AUC:.3f}" in page
    assert "17.25\u2009ms" in page
    assert "Über Loan Lab — 2" in page
    assert "&lt;b&gt;loans&lt;/b&gt;" in page  # the model card's raw HTML is escaped
    assert "secret.png" not in page  # and its images (which would leave site/) dropped
    assert (project / "site" / "evidence" / "roc.png").read_bytes() == (
        project / "evidence" / "roc.png"
    ).read_bytes()
    svg = (project / "site" / "evidence" / "lineage.svg").read_text()
    assert svg.count("<rect") == 3
    assert ">features</text>" in svg
    assert 'src="evidence/lineage.svg"' in page
    assert "scaffold showcase" not in page  # the author's page, not the tool's
    assert "http://" not in page
    assert "https://" not in page  # no GitHub user given: no link anywhere


def test_the_page_tells_one_story_for_people_in_order(project: Path) -> None:
    showcase(project)
    page = (project / "site" / "index.html").read_text()
    story = [
        "The model ranks held-out loans at ROC AUC 0.812, the data allowing 0.820.",
        ">0.812<",
        "at the data&#39;s ceiling",
        "target ≤ 20\u2009ms",
        ">met<",
        'id="approach"',
        'id="results"',
        'id="architecture"',
        "Synthetic, 1,200 loan applications",
        'id="limitations"',
        "What I would do next",
        "Score a second lender&#39;s book with the same contract.",
        'id="run"',
        'id="skills"',
    ]
    at = [page.find(text) for text in story]
    assert -1 not in at, [t for t, i in zip(story, at, strict=True) if i < 0]
    assert at == sorted(at)
    # tables for people: labels, formats, yes/no; never a dump of the file
    assert ">Calibrated<" in page
    assert ">yes<" in page
    for raw in ("by_city", "margin_high_eur_month", "True", "False", "e-13", "roc_auc<"):
        assert raw not in page.replace("test.roc_auc;", ""), raw
    region = region_text(project)
    assert "| p99 latency, single | **17.25\u2009ms** | target ≤ 20\u2009ms | met |" in region
    assert "**The data.** Synthetic, 1,200 loan applications" in region


def test_the_author_signs_the_page_and_the_card_with_absolute_preview_urls(
    project: Path,
) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text(
        answers.read_text().replace("github_user: your-github-user", "github_user: zoe-m")
        + "linkedin: zoe-muller\n"
    )
    answers.write_text(
        answers.read_text().replace("author_name: Test Author", "author_name: Zoë M")
    )
    before = card.render_card("Über Loan Lab — 2", "ml-engineer", [])[0]
    showcase(project)
    page = (project / "site" / "index.html").read_text()
    assert 'By <a href="https://github.com/zoe-m">Zoë M</a>' in page
    assert '<a href="https://github.com/zoe-m/lab">source on GitHub</a>' in page
    assert '<a href="https://www.linkedin.com/in/zoe-muller">LinkedIn</a>' in page
    assert '<meta property="og:image" content="https://zoe-m.github.io/lab/card.png">' in page
    assert '<meta name="twitter:image" content="https://zoe-m.github.io/lab/card.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:title" content="Über Loan Lab — 2">' in page
    assert "scaffold" not in page.split("<footer>")[1]
    assert (project / "site" / "card.png").read_bytes() != before  # the byline is drawn
    region = region_text(project)
    assert "[showcase page](https://zoe-m.github.io/lab/)" in region


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

    # Code that makes the evidence changed: stale, naming the source, said once for the five
    # items made from it.
    (project / "src" / "lab" / "model.py").write_text("MODEL = 2\n")
    result = cli("showcase", str(project), "--check")
    assert result.code == EXIT_SHOWCASE_STALE
    assert (
        "stale: evidence/metrics.json, evidence/latency.csv, evidence/roc.png, "
        "evidence/lineage.mmd and evidence/model_card.md are stale: src/lab/model.py changed "
        "since they were made; run make evidence\n"
    ) in result.err
    assert result.err.count("src/lab/model.py changed") == 1
    git(project, "checkout", "--", "src")

    # A config too.
    (project / "configs" / "train.toml").write_text("seed = 2\n")
    result = cli("showcase", str(project), "--check")
    assert "and evidence/claims.csv are stale: configs/train.toml changed" in result.err
    git(project, "checkout", "--", "configs")

    # Evidence edited after it was made.
    (project / "evidence" / "metrics.json").write_text('{"test": {"roc_auc": 0.99}}\n')
    result = cli("showcase", str(project), "--check")
    assert result.code == EXIT_SHOWCASE_STALE
    assert (
        "evidence/metrics.json changed after make evidence made it (edited by hand?)" in result.err
    )
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


def test_stale_evidence_is_refused_with_exit_7_and_nothing_written(project: Path, cli: Cli) -> None:
    (project / "src" / "lab" / "model.py").write_text("MODEL = 3\n")
    before = tree_hashes(project)
    result = cli("showcase", str(project))
    assert result.code == 7  # the documented code, not only the constant
    assert result.err.startswith("error: evidence/metrics.json, evidence/latency.csv, ")
    assert "src/lab/model.py changed since they were made; run make evidence\n" in result.err
    assert "scaffold showcase --allow-stale" in result.err
    assert tree_hashes(project) == before


def test_a_hand_edited_number_is_refused_then_published_only_marked_stale(
    project: Path, cli: Cli
) -> None:
    metrics = project / "evidence" / "metrics.json"
    metrics.write_text(metrics.read_text().replace(str(AUC), "0.92"))
    before = tree_hashes(project)
    result = cli("showcase", str(project))
    assert result.code == EXIT_SHOWCASE_STALE == 7
    assert result.err.startswith(
        "error: evidence/metrics.json changed after make evidence made it (edited by hand?); "
        "run make evidence\n"
    )
    assert tree_hashes(project) == before

    result = cli("showcase", str(project), "--allow-stale")
    assert result.code == 0, result.err
    assert "warning: evidence/metrics.json changed after make evidence made it" in result.err
    page = (project / "site" / "index.html").read_text()
    region = region_text(project)
    for text in (page, region):
        assert "Stale: evidence/metrics.json" in text
        assert "0.920" in text
    assert cli("showcase", str(project), "--check").code == 7


def test_evidence_made_from_uncommitted_changes_is_marked_and_fails_check(
    project: Path, cli: Cli
) -> None:
    (project / "configs" / "train.toml").write_text("seed = 9\n")  # not committed
    stamp(project)
    result = cli("showcase", str(project))
    assert result.code == 0, result.err
    assert result.err.count("made from uncommitted changes (configs/train.toml)") == 1
    assert (
        "Made from uncommitted changes: evidence/metrics.json, evidence/claims.csv"
        in (project / "site" / "index.html").read_text()
    )
    check = cli("showcase", str(project), "--check")
    assert check.code == 7
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Seed 9")
    stamp(project)  # remade from the committed tree: no mark
    assert cli("showcase", str(project)).code == 0
    assert "uncommitted" not in (project / "site" / "index.html").read_text()


def test_check_exits_7_for_every_evidence_problem_and_says_each_once(
    project: Path, cli: Cli
) -> None:
    (project / "evidence" / "roc.png").unlink()
    (project / "evidence" / "metrics.json").write_text("{broken")
    (project / "evidence" / "provenance.json").unlink()
    result = cli("showcase", str(project), "--check")
    assert result.code == 7
    lines = result.err.splitlines()
    assert lines[0].startswith("stale: evidence/metrics.json is malformed (metrics:")
    assert lines[1] == "stale: evidence/roc.png is missing (evidence 'roc'); run make evidence"
    assert lines[2] == (
        "stale: evidence/provenance.json is missing, so no evidence is stamped; run make evidence"
    )
    assert len(lines) == 3


def test_a_headline_key_the_evidence_lacks_fails_check_with_7(project: Path, cli: Cli) -> None:
    manifest = project / "showcase.yml"
    manifest.write_text(manifest.read_text().replace("key: test.roc_auc", "key: test.nope"))
    result = cli("showcase", str(project), "--check")
    assert result.code == 7
    assert "evidence/metrics.json has no key 'test.nope'" in result.err


def test_a_file_deleted_from_a_source_folder_makes_its_evidence_stale(
    project: Path, cli: Cli
) -> None:
    manifest = project / "showcase.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "sources: [src/lab/model.py, configs/train.toml]", "sources: [src/lab, configs]"
        )
    )
    (project / "src" / "lab" / "extra.py").write_text("EXTRA = 1\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Folder sources")
    stamp(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Evidence")
    (project / "src" / "lab" / "extra.py").unlink()
    result = cli("showcase", str(project), "--check")
    assert result.code == 7
    assert "evidence/metrics.json is stale: src/lab/extra.py changed" in result.err
    # the generated repositories' own rule (the module make evidence runs) agrees
    from scaffolder.showcase.evidence import _STAMP

    assert _STAMP.problems(project) == [
        "evidence/metrics.json: older than src/lab/extra.py; run make evidence"
    ]


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
            "error: evidence/metrics.json has no key 'test.nope' (`values:` 'auc')",
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
    # evidence that cannot be read is an evidence problem (7); a broken manifest or README, 1
    assert result.code == (7 if message.startswith("error: evidence/") else 1)
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


def test_a_title_the_card_font_lacks_falls_back_and_never_stops_the_showcase(
    project: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert card.missing_glyphs("Über — 2 ✓ Ĺoan") == []
    assert card.missing_glyphs("ローン") == ["ロ", "ン", "ー"]  # sorted by code point
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("Über Loan Lab — 2", "ローン審査 🚀"))
    git(project, "commit", "--quiet", "-am", "Title in Japanese")

    # fontconfig's best font lacks the characters too (as with only DejaVu installed)
    fake = tmp_path / "bin"
    fake.mkdir()
    fc_match = fake / "fc-match"
    fc_match.write_text(f"#!/bin/sh\nprintf %s '{card.BOLD}'\n")
    fc_match.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    result = cli("showcase", str(project))
    assert result.code == 0, result.err
    assert "warning: the card shows 'lab' instead of the title: no font here draws" in result.err
    assert "ローン審査 🚀" in (project / "site" / "index.html").read_text()
    fallback_png = (project / "site" / "card.png").read_bytes()

    # fontconfig names a font that draws the title: the card draws the title in it
    # (a title of characters the bundled bold face lacks and its regular face has)
    fc_match.write_text(f"#!/bin/sh\nprintf %s '{card.REGULAR}'\n")
    title = card.card_title("\U0001d5a0 study", "lab")
    assert (title.text, title.font) == ("\U0001d5a0 study", card.REGULAR)
    assert "DejaVuSans.ttf" in title.warning
    assert card.card_title("ローン", "lab").text == "lab"  # the named font lacks it too
    png, _ = card.render_card(title, "analyst", [])
    assert png != fallback_png


def test_two_regions_or_an_end_before_the_start_are_refused(project: Path, cli: Cli) -> None:
    readme_path = project / "README.md"
    original = readme_path.read_text()
    for broken in (
        original + f"\n{readme.START}\n{readme.END}\n",
        original.replace(readme.START, "@@")
        .replace(readme.END, readme.START)
        .replace("@@", readme.END),
    ):
        readme_path.write_text(broken)
        result = cli("showcase", str(project))
        assert result.code == 1
        assert "has two showcase regions, or its end comes first" in result.err
        assert readme_path.read_text() == broken


def test_markers_in_an_indented_code_block_are_text(project: Path) -> None:
    readme_path = project / "README.md"
    indented = f"\nExample:\n\n    {readme.START}\n    example\n    {readme.END}\n\n"
    readme_path.write_text(indented + readme_path.read_text())
    showcase(project)
    text = readme_path.read_text()
    assert text.startswith(indented)
    assert readme.find(text).start > indented.count("\n")


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


def test_a_target_is_not_judged_where_the_evidence_says_it_does_not_apply(
    project: Path, cli: Cli
) -> None:
    """`judged:` reads a boolean (a run smaller than the size the goal names): false gives
    "not judged" beside the target, true the verdict as usual; anything else is refused."""
    manifest = project / "showcase.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "    note: measured by make evidence on this machine\n",
            "    judged: {evidence: metrics, key: test.at_scale}\n"
            "    note: measured by make evidence on this machine\n",
        )
    )
    metrics = project / "evidence" / "metrics.json"
    for at_scale, verdict in ((False, "not judged"), (True, "met"), ("yes", None)):
        data = json.loads(metrics.read_text())
        data["test"]["at_scale"] = at_scale
        metrics.write_text(json.dumps(data, indent=2) + "\n")
        git(project, "add", "--all")
        git(project, "commit", "--quiet", "-m", f"at scale: {at_scale}")
        stamp(project)
        result = cli("showcase", str(project))
        if verdict is None:
            assert result.code == 1
            assert result.err == (
                "error: headline 'p99 latency, single' `judged:` reads 'yes', not true or "
                "false; fix showcase.yml\n"
            )
            continue
        assert result.code == 0, result.err
        row = next(line for line in region_text(project).splitlines() if "p99 latency" in line)
        assert f"| target ≤ 20\u2009ms | {verdict} |" in row
        page = (project / "site" / "index.html").read_text()
        assert f'<span class="verdict {"plain" if at_scale is False else "good"}">{verdict}<' in (
            page
        )


def test_judged_without_a_target_is_refused(project: Path, cli: Cli) -> None:
    manifest = project / "showcase.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "    within: 0.01\n", "    within: 0.01\n    judged: {evidence: metrics, key: rows}\n"
        )
    )
    result = cli("showcase", str(project))
    assert result.code == 1
    assert result.err == (
        "error: showcase.yml: headline 1 has `judged:` without a `target:` for it to apply to; "
        "fix it (the format is in docs/showcase.md)\n"
    )
