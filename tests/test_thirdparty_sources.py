"""Where a third-party template comes from, and projects other tools made.

Git URLs are exercised through ``file://`` (this machine reaches no git host; the clone, the
cache and the fetch are git's own, whatever the transport). Projects made by cruft and by plain
Copier are made the way those tools make them: Cookiecutter's and Copier's own APIs render them,
and cruft's record is written in the format cruft writes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from scaffolder.errors import EXIT_ERROR, EXIT_UPDATE_AVAILABLE, SourceError
from scaffolder.records import CRUFT_FILE, RECORD_FILE
from scaffolder.sources import (
    cached_clone_path,
    clone_url,
    described_commit,
    locate,
)
from tests.conftest import Cli
from tests.test_thirdparty import commit_all, generate, snapshot
from tests.thirdparty_templates import cookiecutter_files, git, make_template

pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <posix.ScandirIterator:pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCAFFOLDER_CACHE_DIR", str(folder))
    return folder


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("gh:copier-org/autopretty", "https://github.com/copier-org/autopretty.git"),
        ("gh:/owner/name.git", "https://github.com/owner/name.git"),
        ("gl:group/sub/name", "https://gitlab.com/group/sub/name.git"),
        ("bb:team/name", "https://bitbucket.org/team/name.git"),
        ("git+https://example.org/t.git", "https://example.org/t.git"),
        ("git@github.com:owner/name.git", "git@github.com:owner/name.git"),
        ("https://github.com/owner/name", "https://github.com/owner/name"),
        ("./templates/mine", None),
        ("/srv/templates/mine", None),
        ("C:stuff", None),  # a relative path with a colon, not scp-like (no user@)
    ],
)
def test_clone_url_reads_the_forms_copier_and_cookiecutter_accept(
    given: str, url: str | None
) -> None:
    assert clone_url(given) == url


def test_a_malformed_shorthand_says_how_to_write_it() -> None:
    with pytest.raises(SourceError, match="write it as gh:OWNER/NAME"):
        clone_url("gh:justaname")


def test_new_from_a_url_records_the_url_and_clones_once(
    cli: Cli, tmp_path: Path, cache: Path
) -> None:
    template = make_template(tmp_path, "copier")
    url = template.as_uri()
    result = cli("new", str(tmp_path / "p"), "--template", url, "--defaults", "--vcs-ref", "v1.0")
    assert result.code == 0, result.err
    assert "from the copier template copier-template v1.0" in result.out
    record = json.loads((tmp_path / "p" / RECORD_FILE).read_text())
    assert (record["source"], record["ref"]) == (url, "v1.0")
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == url  # copier update would find it too
    mirror = cached_clone_path(url)
    assert sorted(git(mirror, "tag").split()) == ["v1.0", "v2.0"]
    assert [p.name for p in mirror.parent.iterdir()] == [mirror.name]  # no partial clone left
    # The second use fetches into the same mirror: a new tag arrives.
    git(template, "tag", "v2.1")
    assert cli("new", str(tmp_path / "q"), "-t", url, "--defaults").code == 0
    assert "v2.1" in git(mirror, "tag").split()
    assert json.loads((tmp_path / "q" / RECORD_FILE).read_text())["ref"] == "v2.1"


def test_an_unreachable_url_is_one_line_and_leaves_nothing(
    cli: Cli, tmp_path: Path, cache: Path
) -> None:
    url = "https://127.0.0.1:9/none.git"  # a closed port: refused at once
    result = cli("new", str(tmp_path / "p"), "-t", url, "--defaults")
    assert result.code == EXIT_ERROR
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"error: --template {url}: cannot clone {url} (")
    assert not (tmp_path / "p").exists()
    assert list((cache / "templates").iterdir()) == []


def test_update_works_offline_from_the_cache_and_follows_the_origin_with_source(
    cli: Cli, tmp_path: Path, cache: Path
) -> None:
    template = make_template(tmp_path, "cookiecutter")
    url = template.as_uri()
    project = tmp_path / "proj"
    assert cli("new", str(project), "-t", url, "--defaults", "--vcs-ref", "v1.0").code == 0
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line a", "line a, mine"))
    commit_all(project)

    moved = tmp_path / "moved" / "template"  # the origin goes away
    moved.parent.mkdir()
    template.rename(moved)
    checked = cli("check", str(project))
    assert checked.code == EXIT_UPDATE_AVAILABLE
    assert checked.out == "update available: template v1.0 -> v2.0 (scaffold update)\n"
    assert checked.err.startswith(f"warning: could not fetch {url} (")
    assert "using the copy cached in" in checked.err

    updated = cli("update", str(project))
    assert updated.code == 0, updated.err
    assert "line a, mine" in readme.read_text()
    assert (project / "new.txt").read_text() == "new in v2\n"
    assert "could not fetch" in updated.err
    commit_all(project, "v2")

    # The template lives on elsewhere, with a release the cache never saw.
    files = cookiecutter_files(2)
    files["{{cookiecutter.project_slug}}/new.txt"] = "new in v2, changed in v3\n"
    for name, text in files.items():
        (moved / name).write_text(text)
    git(moved, "commit", "-qam", "v3")
    git(moved, "tag", "v3.0")
    stale = cli("update", str(project), "--to", "v3.0")
    assert stale.code == EXIT_ERROR
    assert "--vcs-ref v3.0: no such tag, branch or commit" in stale.err
    result = cli("update", str(project), "--source", str(moved))
    assert result.code == 0, result.err
    assert (project / "new.txt").read_text() == "new in v2, changed in v3\n"
    record = json.loads((project / RECORD_FILE).read_text())
    assert (record["source"], record["ref"]) == (str(moved), "v3.0")


def test_source_without_the_projects_version_is_refused(cli: Cli, tmp_path: Path) -> None:
    template = make_template(tmp_path, "copier")
    project = tmp_path / "proj"
    generate(cli, template, project, "--vcs-ref", "v1.0")
    other = make_template(tmp_path / "other", "copier", {"other.txt": "x\n"})  # same tag names
    before = snapshot(project)
    result = cli("update", str(project), "--source", str(other))
    assert result.code == EXIT_ERROR
    assert result.err == (
        f"error: the project's template version v1.0 is not in {other}; point --source at a copy "
        "of the template that has it\n"
    )
    assert snapshot(project) == before


def test_source_is_refused_for_a_role(cli: Cli, tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert cli("new", str(project), "--role", "analyst", "--defaults", "--no-git").code == 0
    result = cli("check", str(project), "--source", "/elsewhere")
    assert result.code == EXIT_ERROR
    assert result.err.startswith("error: --source is for projects made from a third-party")


def test_described_commit_reads_git_describe(tmp_path: Path) -> None:
    template = make_template(tmp_path, "copier")
    (template / "extra.txt").write_text("after the tag\n")
    git(template, "add", "extra.txt")
    git(template, "commit", "-qm", "after v2.0")
    head = git(template, "rev-parse", "HEAD").strip()
    source = locate(str(template))
    assert described_commit(source, f"v2.0-1-g{head[:7]}") == head
    assert described_commit(source, "v1.0") == git(template, "rev-parse", "v1.0^{}").strip()
    assert described_commit(source, "v9.9-1-g0000000") is None


# --- projects made by cruft and by plain Copier, updated in place ---------------------------


def cruft_project(template: Path, dest: Path) -> Path:
    """What ``cruft create URL --checkout v1.0`` makes: Cookiecutter's render of a clone at
    v1.0, plus cruft's record."""
    from cookiecutter.main import cookiecutter

    url = f"git+{template.as_uri()}"  # a URL, so Cookiecutter clones and checks out v1.0
    config = {"cookiecutters_dir": str(dest / "clones"), "replay_dir": str(dest / "replay")}
    made = Path(
        cookiecutter(
            url, checkout="v1.0", no_input=True, output_dir=str(dest), default_config=config
        )
    )
    commit = git(template, "rev-parse", "v1.0^{}").strip()
    context = {"project_name": "Demo", "project_slug": "demo"}
    state = {
        "template": url,
        "commit": commit,
        "checkout": "v1.0",
        "context": {"cookiecutter": {**context, "_template": url, "_commit": commit}},
        "directory": None,
        "skip": ["keep.txt"],
    }
    (made / CRUFT_FILE).write_text(json.dumps(state, indent=2) + "\n")
    git(made, "init", "-q")
    commit_all(made, "cruft create")
    return made


def test_a_cruft_project_is_updated_in_place(cli: Cli, tmp_path: Path, cache: Path) -> None:
    template = make_template(tmp_path, "cookiecutter")
    project = cruft_project(template, tmp_path / "out")
    assert (project / "keep.txt").read_text() == "keep v1\n"
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line a", "line a, mine"))
    commit_all(project)
    assert cli("check", str(project)).out == (
        "update available: template v1.0 -> v2.0 (scaffold update)\n"
    )

    result = cli("update", str(project))
    assert result.code == 0, result.err
    assert "line a, mine" in readme.read_text()
    assert "line d" in readme.read_text()
    assert (project / "new.txt").is_file()
    assert not (project / "old.txt").exists()
    assert (project / "keep.txt").read_text() == "keep v1\n"  # cruft's skip list holds
    assert not (project / RECORD_FILE).exists()  # the project keeps cruft's record
    state = json.loads((project / CRUFT_FILE).read_text())
    v2 = git(template, "rev-parse", "v2.0^{}").strip()
    assert (state["commit"], state["checkout"]) == (v2, "v2.0")
    assert state["context"]["cookiecutter"]["_commit"] == v2
    assert state["context"]["cookiecutter"]["project_slug"] == "demo"
    assert state["skip"] == ["keep.txt"]
    commit_all(project, "update")
    assert cli("check", str(project)).out == "up to date: template v2.0\n"


def test_a_plain_copier_project_is_updated_in_place(cli: Cli, tmp_path: Path) -> None:
    from copier import run_copy

    template = make_template(tmp_path, "copier")
    project = tmp_path / "proj"
    run_copy(str(template), project, vcs_ref="v1.0", defaults=True, quiet=True)
    git(project, "init", "-q")
    commit_all(project, "copier copy")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line a", "line a, mine"))
    commit_all(project)

    result = cli("update", str(project))
    assert result.code == 0, result.err
    assert "line a, mine" in readme.read_text()
    assert "line c, as v2 has it" in readme.read_text()
    assert (project / "new.txt").is_file()
    assert not (project / RECORD_FILE).exists()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["_commit"], answers["_src_path"]) == ("v2.0", str(template))
    commit_all(project, "update")
    assert cli("check", str(project)).out == "up to date: template v2.0\n"


def test_a_copier_project_from_a_folder_outside_git_says_why_it_cannot_update(
    cli: Cli, tmp_path: Path
) -> None:
    from copier import run_copy

    template = make_template(tmp_path, "copier")
    folder = tmp_path / "copy-of-template"
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns(".git"))
    project = tmp_path / "proj"
    run_copy(str(folder), project, defaults=True, quiet=True)
    result = cli("check", str(project))
    assert result.code != 0
    assert "records no _commit" in result.err
    assert len(result.err.splitlines()) == 1


@pytest.mark.parametrize("engine", ["cookiecutter", "copier"])
def test_a_project_made_from_a_plain_folder_says_why_it_cannot_update(
    cli: Cli, tmp_path: Path, engine: str
) -> None:
    template = make_template(tmp_path, engine)
    folder = tmp_path / "copy-of-template"
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns(".git"))
    project = tmp_path / "proj"
    made = cli("new", str(project), "--template", str(folder), "--defaults")
    assert made.code == 0, made.err
    for command in ("check", "update"):
        result = cli(command, str(project))
        assert result.code != 0
        assert result.err == (
            f"error: {project} was made from the folder {folder}, which keeps no versions; an "
            "update needs the template in a git repository with tags (--source SRC)\n"
        )
