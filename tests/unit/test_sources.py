"""Template sources (scaffolder.sources): which strings are git URLs, locating folders, local
repositories and file:// clones in the cache, resolving refs and version tags, describe
strings, checking a version out, the --directory folder and the engine a template uses.
Every repository is a real one in tmp_path; nothing reaches the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import ScaffolderError, SourceError
from scaffolder.sources import (
    EngineName,
    Source,
    TemplateRef,
    cached_clone_path,
    checked_out,
    clone_url,
    described_commit,
    detect_engine,
    has_commit,
    locate,
    newest_tag,
    resolve,
    template_folder,
    version_tags,
)
from tests.thirdparty_templates import commit_version, git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A template repo: v1.9 and v1.10 (the newest), then a commit with no tag."""
    repo = tmp_path / "tpl"
    commit_version(repo, {"copier.yml": "a: 1\n", "sub/f.txt": "1.9\n"}, "v1.9")
    commit_version(repo, {"copier.yml": "a: 1\n", "sub/f.txt": "1.10\n"}, "v1.10")
    commit_version(repo, {"copier.yml": "a: 1\n", "sub/f.txt": "head\n"}, "not-a-version")
    git(repo, "tag", "-d", "not-a-version")
    return repo


def refused(words: str) -> pytest.RaisesExc[SourceError]:
    return pytest.raises(SourceError, match=words)


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("gh:owner/name", "https://github.com/owner/name.git"),
        ("gl:/group/sub/name.git/", "https://gitlab.com/group/sub/name.git"),
        ("bb:o/n", "https://bitbucket.org/o/n.git"),
        ("git+https://example.org/t.git", "https://example.org/t.git"),
        ("git+ssh://git@host/t", "ssh://git@host/t"),
        ("file:///srv/tpl", "file:///srv/tpl"),
        ("git@github.com:owner/name.git", "git@github.com:owner/name.git"),
        ("./templates/t", None),
        ("/abs/path/tpl", None),
        ("~/tpl", None),
        ("me@host", None),
    ],
)
def test_clone_url_recognises_urls_and_leaves_local_paths(src: str, url: str | None) -> None:
    assert clone_url(src) == url


@pytest.mark.parametrize("src", ["gh:owner", "gl:", "bb:o/n with space"])
def test_a_shorthand_without_owner_and_name_is_refused(src: str) -> None:
    with refused(rf"--template {src}: write it as {src[:3]}OWNER/NAME") as caught:
        clone_url(src)
    assert isinstance(caught.value, ScaffolderError)


def test_locate_tells_a_folder_from_a_repository(tmp_path: Path, repo: Path) -> None:
    assert locate(str(repo)) == Source(location=repo, repo=True)
    assert locate(str(repo / "sub")) == Source(location=repo / "sub", repo=False)
    (tmp_path / "plain").mkdir()
    assert locate(str(tmp_path / "plain")).repo is False
    git(tmp_path / "plain", "init", "-q")  # a repository without commits has no versions
    assert locate(str(tmp_path / "plain")).repo is False
    git(tmp_path, "clone", "-q", "--bare", str(repo), "bare.git")
    assert locate(str(tmp_path / "bare.git")) == Source(location=tmp_path / "bare.git", repo=True)
    with refused("no such folder; give a template folder or git repo"):
        locate(str(tmp_path / "missing"))


def test_a_file_url_is_cloned_into_the_cache_and_fetched_again(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLDER_CACHE_DIR", str(tmp_path / "cache"))
    url = repo.as_uri()
    source = locate(url)
    assert source.location == cached_clone_path(url)
    assert (source.repo, source.given, source.url, source.note) == (True, url, url, "")
    assert source.name == "tpl"
    assert source.location.parent == tmp_path / "cache" / "templates"
    assert newest_tag(source.location) == "v1.10"
    git(repo, "tag", "v2.0")
    assert newest_tag(locate(url).location) == "v2.0"
    repo.rename(tmp_path / "gone")
    offline = locate(url)
    assert offline.location == source.location
    assert "using the copy cached in" in offline.note
    assert resolve(offline, "v2.0").commit is not None


def test_a_failed_first_clone_is_refused_and_leaves_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLDER_CACHE_DIR", str(tmp_path / "cache"))
    url = (tmp_path / "nowhere").as_uri()
    with refused(r"cannot clone .*check the address and the network"):
        locate(url)
    assert list((tmp_path / "cache" / "templates").iterdir()) == []


def test_cached_clone_paths_are_named_after_the_repo_and_differ_per_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLDER_CACHE_DIR", str(tmp_path))
    a, b = cached_clone_path("https://x.org/o/my tpl.git"), cached_clone_path("git@y:o/my tpl")
    assert a.name.startswith("my-tpl-")
    assert b.name.startswith("my-tpl-")
    assert a != b
    assert a == cached_clone_path("https://x.org/o/my tpl.git")
    assert cached_clone_path("file:///").name.startswith("template-")


def test_version_tags_sort_by_pep_440_and_skip_other_tags(repo: Path) -> None:
    for tag in ("1.2.0rc1", "v1.2", "latest", "release-3", "0.9"):
        git(repo, "tag", tag, "HEAD~1")
    assert version_tags(repo) == ["0.9", "1.2.0rc1", "v1.2", "v1.9", "v1.10"]
    assert newest_tag(repo) == "v1.10"
    git(repo, "init", "-q", str(repo.parent / "empty"))
    assert newest_tag(repo.parent / "empty") is None


def test_resolve_defaults_to_the_newest_version_tag_else_head(tmp_path: Path, repo: Path) -> None:
    source = Source(location=repo, repo=True)
    assert resolve(source, None) == TemplateRef("v1.10", git(repo, "rev-parse", "v1.10").strip())
    for tag in version_tags(repo):
        git(repo, "tag", "-d", tag)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert resolve(source, None) == TemplateRef(head[:12], head)


def test_resolve_names_the_commit_of_a_tag_branch_or_commit(repo: Path) -> None:
    source = Source(location=repo, repo=True)
    git(repo, "tag", "-a", "-m", "annotated", "v3", "v1.9")
    first = git(repo, "rev-parse", "v1.9").strip()
    assert resolve(source, "v3") == TemplateRef("v3", first)
    assert resolve(source, first[:7]) == TemplateRef(first[:7], first)
    assert resolve(source, "main").commit == git(repo, "rev-parse", "main").strip()


def test_resolve_refuses_a_missing_ref_or_a_ref_of_a_folder(tmp_path: Path, repo: Path) -> None:
    with refused(r"--vcs-ref v9: no such tag.*\(newest version tags: v1.9, v1.10\)"):
        resolve(Source(location=repo, repo=True), "v9")
    folder = Source(location=tmp_path, repo=False)
    with refused("is not a git repository, so it has no versions"):
        resolve(folder, "v1.9")
    assert resolve(folder, None) == TemplateRef(ref="", commit=None)


def test_describe_strings_name_their_commit(repo: Path) -> None:
    source = Source(location=repo, repo=True)
    described = git(repo, "describe", "--tags", "--long", "HEAD").strip()
    head = git(repo, "rev-parse", "HEAD").strip()
    assert described.startswith("v1.10-1-g")
    assert described_commit(source, described) == head
    assert described_commit(source, "v1.9") == git(repo, "rev-parse", "v1.9").strip()
    assert described_commit(source, "v7-2-g" + "0" * 7) is None
    assert has_commit(source, head)
    assert not has_commit(source, "0" * 40)


def test_checked_out_gives_the_versions_files_and_removes_them(repo: Path) -> None:
    source = Source(location=repo, repo=True)
    with checked_out(source, resolve(source, "v1.9"), "sub") as folder:
        assert (folder / "f.txt").read_text() == "1.9\n"
        assert not (folder.parent / ".git").exists()
    assert not folder.exists()
    assert (repo / "sub" / "f.txt").read_text() == "head\n"
    plain = Source(location=repo / "sub", repo=False)
    with checked_out(plain, resolve(plain, None), None) as folder:
        assert (folder / "f.txt").read_text() == "head\n"
    assert not folder.exists()


@pytest.mark.parametrize(
    ("directory", "words"),
    [
        ("../other", "give a folder inside the template source"),
        ("sub/../../x", "give a folder inside the template source"),
        ("/etc", "give a folder inside the template source"),
        ("nothing", "no such folder in shown-name"),
        ("sub/f.txt", "no such folder in shown-name"),
    ],
)
def test_a_directory_outside_the_tree_or_missing_is_refused(
    repo: Path, directory: str, words: str
) -> None:
    assert template_folder(repo, "sub", Source(repo, True)) == repo / "sub"
    assert template_folder(repo, None, Source(repo, True)) == repo
    with refused(rf"--directory {directory}: {words}"):
        template_folder(repo, directory, Source(repo, True, given="shown-name"))


@pytest.mark.parametrize(
    ("files", "wanted", "engine"),
    [
        (["copier.yml"], None, "copier"),
        (["copier.yaml"], None, "copier"),
        (["cookiecutter.json"], None, "cookiecutter"),
        (["copier.yml", "cookiecutter.json"], None, "copier"),
        (["copier.yml", "cookiecutter.json"], "cookiecutter", "cookiecutter"),
    ],
)
def test_detect_engine_reads_the_templates_own_file(
    tmp_path: Path, files: list[str], wanted: EngineName | None, engine: EngineName
) -> None:
    for name in files:
        (tmp_path / name).write_text("{}\n")
    assert detect_engine(tmp_path, wanted, "t") == engine


def test_detect_engine_refuses_a_folder_without_the_engines_file(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").mkdir()  # a folder of that name is not the file
    with refused(r"t is not a template: .* pass --directory DIR"):
        detect_engine(tmp_path, None, "t")
    (tmp_path / "cookiecutter.json").write_text("{}\n")
    with refused("--engine copier: t has no copier.yml or copier.yaml"):
        detect_engine(tmp_path, "copier", "t")
    (tmp_path / "cookiecutter.json").unlink()
    (tmp_path / "copier.yaml").write_text("{}\n")
    with refused("--engine cookiecutter: t has no cookiecutter.json"):
        detect_engine(tmp_path, "cookiecutter", "t")


def test_a_directory_that_links_outside_the_checkout_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    commit_version(outside, {"copier.yml": "secret: 1\n"}, "v0")
    repo = tmp_path / "tpl"
    commit_version(repo, {"copier.yml": "a: 1\n"}, "v1.0")
    (repo / "tpl").symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    git(repo, "tag", "v1.1")
    source = Source(location=repo, repo=True)
    with refused("give a folder inside the template source"):  # noqa: SIM117
        with checked_out(source, resolve(source, "v1.1"), "tpl"):
            pass
