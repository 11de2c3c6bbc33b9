"""``scaffold update-pr`` and the generated template-update workflow, against real git remotes.

A bare repository stands for GitHub: one whose ``pre-receive`` hook refuses a push that
changes ``.github/workflows`` (as GitHub does for a workflow's ``GITHUB_TOKEN``), one that
takes it. ``gh`` is a recorder on ``PATH`` that keeps the pull requests it is asked to open or
edit (the GitHub API is not reachable here). The workflow's own ``run:`` script is read from
the generated YAML and run with bash as a runner would, its ``uvx --from ... scaffold`` being
this test's scaffolder at the new template version.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.errors import EXIT_ERROR
from scaffolder.generate import generate
from scaffolder.pullrequest import BRANCH, WORKFLOW_FILE
from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.conftest import Cli
from tests.history import (
    MAKEFILE_TARGET,
    ROLE,
    change_templates_for_0_2_0,
    git,
    source_checkout,
)
from tests.thirdparty_templates import make_template

CI_LINE = "# 0.2.0: the template changed this workflow"
NEW_WORKFLOW = ".github/workflows/links.yml"
NEW_WORKFLOW_TEXT = "name: Links\non: workflow_dispatch\njobs: {}\n"
USER_LICENSE_LINE = "Licensed as MIT, by me."
TITLE = "Update the template from 0.1.0 to 0.2.0"
PRE_RECEIVE = """#!/bin/sh
# As GitHub answers a workflow's GITHUB_TOKEN: no push may change .github/workflows.
zero=0000000000000000000000000000000000000000
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  for commit in $(git rev-list "$new" --not --all); do
    touched=$(git diff-tree --no-commit-id --name-only -r --root "$commit" -- .github/workflows \\
      | head -n 1)
    if [ -n "$touched" ]; then
      echo "refusing to allow a GitHub App to create or update workflow" \\
        "\\`$touched\\` without \\`workflows\\` permission" >&2
      exit 1
    fi
  done
done
"""
GH_RECORDER = """#!{python}
import json, pathlib, sys
here = pathlib.Path(__file__).parent
args = sys.argv[1:]
body = None
if "--body-file" in args:
    body = pathlib.Path(args[args.index("--body-file") + 1]).read_text()
with (here / "gh-calls.jsonl").open("a") as log:
    log.write(json.dumps({{"argv": args, "body": body}}) + "\\n")
state = here / "gh-prs.json"
prs = json.loads(state.read_text()) if state.exists() else []
if args[:2] == ["pr", "list"]:
    head = args[args.index("--head") + 1]
    found = [{{"number": p["number"], "url": p["url"]}} for p in prs if p["head"] == head]
    print(json.dumps(found))
elif args[:2] == ["pr", "create"]:
    number = len(prs) + 1
    url = f"https://github.com/ada/study/pull/{{number}}"
    prs.append({{"number": number, "url": url, "head": args[args.index("--head") + 1],
                "base": args[args.index("--base") + 1],
                "title": args[args.index("--title") + 1], "body": body}})
    state.write_text(json.dumps(prs))
    print(url)
elif args[:2] == ["pr", "edit"]:
    pr = next(p for p in prs if str(p["number"]) == args[2])
    pr.update(title=args[args.index("--title") + 1], body=body)
    state.write_text(json.dumps(prs))
elif args[:2] != ["auth", "setup-git"]:
    sys.exit(f"gh recorder: unexpected gh {{args}}")
"""
# `uvx --from REQUIREMENT scaffold ARGS` on the runner; here: this test's scaffold, at 0.2.0.
UVX = """#!/bin/sh
echo "$2" >> "$(dirname "$0")/uvx-requirements"
shift 3
exec {python} -m scaffolder "$@"
"""


@dataclass
class Templates:
    source: Path  # a scaffolder checkout: 0.1.0 released, 0.2.0 in its working tree
    v1: TemplateStore
    latest: TemplateStore


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """0.1.0 is today's templates; 0.2.0 changes a workflow, adds one and changes the README."""
    source = source_checkout(tmp_path_factory.mktemp("history"))
    v1 = TemplateStore.from_source(source)
    _ = v1.bundle
    change_templates_for_0_2_0(source)
    ci = source / "templates" / "_shared" / "ci.yml.jinja"
    ci.write_text(ci.read_text() + CI_LINE + "\n")
    added = source / "templates" / ROLE / "template" / NEW_WORKFLOW
    added.write_text(NEW_WORKFLOW_TEXT)
    latest = TemplateStore.from_source(source)
    _ = latest.bundle
    return Templates(source, v1, latest)


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@dataclass
class GitHub:
    """A bare remote, a clone of it (as a runner checks it out, or the user's own) and the
    recorder's files."""

    remote: Path
    clone: Path
    bin: Path

    def calls(self) -> list[dict[str, Any]]:
        log = self.bin / "gh-calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    def prs(self) -> list[dict[str, Any]]:
        state = self.bin / "gh-prs.json"
        return json.loads(state.read_text()) if state.exists() else []

    def tip(self, branch: str) -> str | None:
        found = subprocess.run(
            ["git", "--git-dir", str(self.remote), "rev-parse", "--verify", "--quiet", branch],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return found.stdout.strip() or None

    def show(self, what: str) -> str:
        return git(self.remote, "show", what)


def project_on_github(
    root: Path, store: TemplateStore, *, refuse_workflows: bool, conflicting: bool = True
) -> GitHub:
    """A researcher project made by ``store``, edited by its user, pushed (by the user, who
    may push workflows) to a bare remote that then answers as the workflow's token is answered."""
    project = root / "study"
    generate(project, role=ROLE, data={"project_name": "Loan Study"}, store=store)
    if conflicting:
        readme = project / "README.md"
        readme.write_text(
            readme.read_text().replace("MIT; see [LICENSE](LICENSE).", USER_LICENSE_LINE)
        )
        git(project, "commit", "--quiet", "-am", "My licence line")
    remote, bin_dir = github_stand_in(root)
    git(project, "push", "--quiet", str(remote), "main")
    if refuse_workflows:
        executable(remote / "hooks" / "pre-receive", PRE_RECEIVE)
    git(root, "clone", "--quiet", str(remote), "checkout")
    executable(bin_dir / "uvx", UVX.format(python=sys.executable))
    return GitHub(remote=remote, clone=root / "checkout", bin=bin_dir)


def github_stand_in(root: Path) -> tuple[Path, Path]:
    """An empty bare remote and a folder holding the ``gh`` recorder, under ``root``."""
    remote = root / "github.git"
    git(root, "init", "--quiet", "--bare", str(remote))
    bin_dir = root / "bin"
    bin_dir.mkdir()
    executable(bin_dir / "gh", GH_RECORDER.format(python=sys.executable))
    return remote, bin_dir


def third_party_on_github(project: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> GitHub:
    """A project pushed to its ``origin`` with the ``gh`` recorder first on ``PATH``, as
    ``scaffold update-pr`` is run by hand in the user's own clone."""
    remote, bin_dir = github_stand_in(root)
    git(project, "remote", "add", "origin", str(remote))
    git(project, "push", "--quiet", "origin", "main")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return GitHub(remote=remote, clone=project, bin=bin_dir)


def run_workflow(
    github: GitHub, templates: Templates, job: str = "update", where: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A template-update job's ``run:`` script, as the generated workflow has it, in bash."""
    where = where or github.clone
    workflow = yaml.safe_load((where / WORKFLOW_FILE).read_text())
    (step,) = [s for s in workflow["jobs"][job]["steps"] if "run" in s]
    env = {
        key: str(value).replace("${{ github.token }}", "a-token-gh-never-sends")
        for key, value in {**workflow["env"], **step.get("env", {})}.items()
    }
    env = {
        **os.environ,
        **env,
        "PATH": f"{github.bin}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(templates.source),  # the scaffolder of the template history
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=where, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def patch_in(body: str) -> str:
    found = re.search(r"^(`{3,})diff\n(.*?\n)\1$", body, re.DOTALL | re.MULTILINE)
    assert found, body
    return found.group(2)


@pytest.fixture(scope="session")
def refused(templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> GitHub:
    """The workflow run once against a remote that refuses workflow pushes."""
    github = project_on_github(
        tmp_path_factory.mktemp("refusing"), templates.v1, refuse_workflows=True
    )
    ran = run_workflow(github, templates)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "update available: template 0.1.0 -> 0.2.0" in ran.stdout
    assert "Opened pull request https://github.com/ada/study/pull/1" in ran.stdout
    assert (
        "warning: origin refused the workflow changes (refusing to allow a GitHub App to create "
        "or update workflow `.github/workflows/ci.yml` without `workflows` permission); they "
        "are in the pull request's description as a patch\n"
    ) in ran.stderr
    return github


def test_the_workflow_runs_check_then_update_pr_with_the_newest_scaffold(
    refused: GitHub,
) -> None:
    requirements = (refused.bin / "uvx-requirements").read_text().splitlines()
    assert requirements == ["scaffold-portfolio"] * 2  # check, then update-pr


def test_the_branch_holds_the_update_without_the_workflow_changes(refused: GitHub) -> None:
    main = refused.tip("main")
    branch = refused.tip(BRANCH)
    assert branch is not None
    assert git(refused.remote, "rev-parse", f"{branch}^") == f"{main}\n"
    assert MAKEFILE_TARGET in refused.show(f"{branch}:Makefile")
    readme = refused.show(f"{branch}:README.md")
    assert "<<<<<<<" in readme  # the conflict is committed with its markers
    assert USER_LICENSE_LINE in readme
    changed = git(refused.remote, "diff", "--name-only", f"{main}", f"{branch}").split()
    assert "Makefile" in changed
    assert not [name for name in changed if name.startswith(".github/workflows/")]


def test_one_pull_request_names_the_versions_changes_conflicts_and_patch(refused: GitHub) -> None:
    (pr,) = refused.prs()
    assert (pr["head"], pr["base"], pr["title"]) == (BRANCH, "main", TITLE)
    body = pr["body"]
    assert "- `Makefile`\n" in body
    assert f"- `{NEW_WORKFLOW}` (in the patch below)\n" in body
    assert "### Conflicts (1)" in body
    assert "- `README.md`" in body
    assert "git apply --index workflows.patch" in body
    assert "Do it before merging" in body
    patch = patch_in(body)
    assert f"+{CI_LINE}" in patch
    assert f"+++ b/{NEW_WORKFLOW}" in patch


def test_the_patch_applies_on_the_branch(refused: GitHub, tmp_path: Path) -> None:
    checkout = tmp_path / "mine"
    git(tmp_path, "clone", "--quiet", "--branch", BRANCH, str(refused.remote), str(checkout))
    (tmp_path / "workflows.patch").write_text(patch_in(refused.prs()[0]["body"]))
    git(checkout, "apply", "--index", str(tmp_path / "workflows.patch"))
    assert (checkout / NEW_WORKFLOW).read_text() == NEW_WORKFLOW_TEXT
    assert (checkout / ".github/workflows/ci.yml").read_text().endswith(CI_LINE + "\n")
    patched = re.findall(r"^\+\+\+ b/(.+)$", patch_in(refused.prs()[0]["body"]), re.MULTILINE)
    assert {".github/workflows/ci.yml", NEW_WORKFLOW} <= set(patched)
    assert git(checkout, "diff", "--cached", "--name-only").split() == sorted(patched)


def test_the_pull_requests_conflicts_job_fails_until_they_are_resolved(
    refused: GitHub, templates: Templates, tmp_path: Path
) -> None:
    branch = tmp_path / "branch"
    git(tmp_path, "clone", "--quiet", "--branch", BRANCH, str(refused.remote), str(branch))
    failing = run_workflow(refused, templates, job="conflicts", where=branch)
    assert failing.returncode == 3
    assert "unresolved conflict in" in failing.stderr
    assert "README.md" in failing.stderr
    readme = branch / "README.md"
    kept = [line for line in readme.read_text().splitlines(keepends=True)
            if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))]  # fmt: skip
    readme.write_text("".join(kept))
    git(branch, "commit", "--quiet", "-am", "Resolve the conflict")
    passing = run_workflow(refused, templates, job="conflicts", where=branch)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert passing.stdout == "up to date: template 0.2.0\n"


def test_a_second_run_refreshes_the_same_pull_request(
    refused: GitHub, templates: Templates
) -> None:
    before = refused.tip(BRANCH)
    ran = run_workflow(refused, templates)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Refreshed pull request https://github.com/ada/study/pull/1" in ran.stdout
    assert refused.tip(BRANCH) == before  # nothing new to push
    assert len(refused.prs()) == 1
    edits = [c["argv"] for c in refused.calls() if c["argv"][:2] == ["pr", "edit"]]
    assert edits
    assert edits[-1][2] == "1"
    assert f"+{CI_LINE}" in patch_in(refused.prs()[0]["body"])

    # The default branch moves on: the branch is made again on top of it, same pull request.
    (refused.clone / "notes.md").write_text("my notes\n")
    git(refused.clone, "add", "notes.md")
    git(refused.clone, "commit", "--quiet", "-m", "Notes")
    git(refused.clone, "push", "--quiet", "origin", "main")
    ran = run_workflow(refused, templates)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert git(refused.remote, "rev-parse", f"{BRANCH}^") == f"{refused.tip('main')}\n"
    assert [p["number"] for p in refused.prs()] == [1]
    creates = [c for c in refused.calls() if c["argv"][:2] == ["pr", "create"]]
    assert len(creates) == 1


def test_a_remote_that_takes_workflows_gets_them_in_the_branch(
    templates: Templates, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    github = project_on_github(tmp_path, templates.v1, refuse_workflows=False)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: templates.latest))
    monkeypatch.setenv("PATH", f"{github.bin}{os.pathsep}{os.environ['PATH']}")
    result = cli("update-pr", str(github.clone))
    assert result.code == 0, result.err
    assert "conflict: README.md\n" in result.out
    assert github.show(f"{BRANCH}:{NEW_WORKFLOW}") == NEW_WORKFLOW_TEXT
    assert github.show(f"{BRANCH}:.github/workflows/ci.yml").endswith(CI_LINE + "\n")
    (pr,) = github.prs()
    assert pr["title"] == TITLE
    assert "```diff" not in pr["body"]
    assert "Workflow changes" not in pr["body"]

    # Someone resolves the conflict on the branch: the next run leaves their work alone.
    mine = tmp_path / "mine"
    git(tmp_path, "clone", "--quiet", "--branch", BRANCH, str(github.remote), str(mine))
    (mine / "README.md").write_text("# Loan Study\n\nResolved.\n")
    git(mine, "commit", "--quiet", "-am", "Resolve the conflict")
    git(mine, "push", "--quiet", "origin", BRANCH)
    tip = github.tip(BRANCH)
    again = cli("update-pr", str(github.clone))
    assert again.code == 0, again.err
    assert "has commits that are not scaffold's" in again.err
    assert github.tip(BRANCH) == tip
    assert len(github.calls()) == 2  # pr list and pr create, the first time only


def test_no_update_available_pushes_nothing_and_exits_0(
    templates: Templates, tmp_path: Path
) -> None:
    github = project_on_github(tmp_path, templates.latest, refuse_workflows=True, conflicting=False)
    ran = run_workflow(github, templates)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout == "up to date: template 0.2.0\n"
    assert github.tip(BRANCH) is None
    assert github.calls() == []


def test_every_role_ships_the_workflow_with_pinned_actions_and_least_privilege(
    store: TemplateStore, tmp_path: Path
) -> None:
    for role in list_roles(store):
        project = tmp_path / role.name
        generate(project, role=role.name, data={}, git=False, store=store)
        workflow = yaml.safe_load((project / WORKFLOW_FILE).read_text())
        assert workflow["permissions"] == {}
        job = workflow["jobs"]["update"]
        assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        uses = [step["uses"] for step in steps if "uses" in step]
        assert uses
        assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
        # YAML reads `on` as True
        assert set(workflow[True]) == {"schedule", "workflow_dispatch", "pull_request"}
        assert workflow["jobs"]["conflicts"]["permissions"] == {"contents": "read"}
        assert "enable-cache: false" in (project / WORKFLOW_FILE).read_text()


def test_init_writes_the_same_workflow_into_a_third_party_project(
    cli: Cli, tmp_path: Path, store: TemplateStore
) -> None:
    template = make_template(tmp_path, "copier")
    project = tmp_path / "proj"
    made = cli("new", str(project), "--template", str(template), "--vcs-ref", "v1.0", "--defaults")
    assert made.code == 0, made.err
    result = cli("update-pr", "--init", str(project))
    assert result.code == 0, result.err
    role = tmp_path / "role"
    generate(role, role=ROLE, data={}, git=False, store=store)
    assert (project / WORKFLOW_FILE).read_text() == (role / WORKFLOW_FILE).read_text()
    again = cli("update-pr", "--init", str(project))
    assert (again.code, again.err) == (
        EXIT_ERROR,
        f"error: {project / WORKFLOW_FILE} exists already; delete it first to write it again\n",
    )
    refused = cli("update-pr", "--init", str(role))
    assert refused.code == EXIT_ERROR
    assert f"has {WORKFLOW_FILE} from its template already" in refused.err


def test_a_third_party_project_gets_its_pull_request(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = make_template(tmp_path, "cookiecutter")
    project = tmp_path / "proj"
    made = cli("new", str(project), "--template", str(template), "--vcs-ref", "v1.0", "--defaults")
    assert made.code == 0, made.err
    github = third_party_on_github(project, tmp_path, monkeypatch)
    result = cli("update-pr", str(project))
    assert result.code == 0, result.err
    (pr,) = github.prs()
    assert pr["title"] == "Update the template from v1.0 to v2.0"
    assert "- `new.txt`" in pr["body"]
    assert github.show(f"{BRANCH}:new.txt") == "new in v2\n"


def test_a_third_party_template_with_an_extension_needs_trust_for_its_pull_request(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update's renders load the template's Jinja extension (code): refused without
    --trust, as `scaffold update` refuses it, with nothing pushed; opened with it."""
    extension = (
        "from cookiecutter.utils import simple_filter\n\n"
        "@simple_filter\ndef shout(value):\n    return value.upper()\n"
    )
    context = {
        "project_name": "Demo",
        "project_slug": "demo",
        "_extensions": ["local_extensions.shout"],
    }
    extra = {
        "local_extensions.py": extension,
        "cookiecutter.json": json.dumps(context),
        "{{cookiecutter.project_slug}}/title.txt": "{{ cookiecutter.project_name | shout }}\n",
    }
    template = make_template(tmp_path, "cookiecutter", extra)
    project = tmp_path / "proj"
    made = cli(
        "new", str(project), "-t", str(template), "--vcs-ref", "v1.0", "--defaults", "--trust"
    )
    assert made.code == 0, made.err
    github = third_party_on_github(project, tmp_path, monkeypatch)

    refused = cli("update-pr", str(project))
    assert refused.code == EXIT_ERROR
    assert "rerun with --trust" in refused.err
    assert "Traceback" not in refused.err
    assert github.tip(BRANCH) is None
    assert github.prs() == []

    result = cli("update-pr", str(project), "--trust")
    assert result.code == 0, result.err
    (pr,) = github.prs()
    assert pr["title"] == "Update the template from v1.0 to v2.0"
    assert github.show(f"{BRANCH}:title.txt") == "DEMO\n"
    assert github.show(f"{BRANCH}:new.txt") == "new in v2\n"


def test_what_cannot_go_is_one_line_and_pushes_nothing(
    templates: Templates, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    github = project_on_github(tmp_path, templates.v1, refuse_workflows=False, conflicting=False)
    monkeypatch.setattr(TemplateStore, "installed", classmethod(lambda cls: templates.latest))
    without_gh = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "gh").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(without_gh))
    no_gh = cli("update-pr", str(github.clone))
    assert no_gh.code == EXIT_ERROR
    assert no_gh.err.startswith("error: gh (the GitHub CLI) was not found on PATH; install it")

    monkeypatch.setenv("PATH", f"{github.bin}{os.pathsep}{os.environ['PATH']}")
    (github.clone / "notes.md").write_text("not pushed yet\n")
    git(github.clone, "add", "notes.md")
    git(github.clone, "commit", "--quiet", "-m", "Local only")
    ahead = cli("update-pr", str(github.clone))
    assert ahead.code == EXIT_ERROR
    assert "push or pull main first, so the pull request holds the update alone" in ahead.err

    git(github.clone, "checkout", "--quiet", "--detach")
    detached = cli("update-pr", str(github.clone))
    assert detached.code == EXIT_ERROR
    assert "is not on a branch (a detached HEAD); check out the branch" in detached.err

    mixed = cli("update-pr", "--init", "--remote", "upstream", str(github.clone))
    assert (mixed.code, mixed.err) == (
        EXIT_ERROR,
        "error: --init takes only PATH; drop --remote, --source and --trust\n",
    )
    for result in (no_gh, ahead, detached, mixed):
        assert len(result.err.splitlines()) == 1
        assert "Traceback" not in result.err
    assert github.tip(BRANCH) is None
    assert github.calls() == []


def test_update_pr_is_listed_in_help(cli: Cli) -> None:
    result = cli("--help")
    assert "  update-pr " in result.out
    assert cli("update-pr", "--help").code == 0
