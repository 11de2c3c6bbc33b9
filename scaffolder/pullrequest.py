"""``scaffold update-pr``: a template update as one pull request, with ``GITHUB_TOKEN`` alone.

When the project is behind its template, the update is made in a throwaway worktree of the
repository at HEAD (the user's tree is never touched), committed with any conflicts' markers
(the pull request's own checks then fail until they are resolved), pushed to one branch
(:data:`BRANCH`) and one pull request is opened for it, or the open one refreshed, through the
GitHub CLI (``gh``).

GitHub refuses a push made with a workflow's ``GITHUB_TOKEN`` when it changes a file under
``.github/workflows``. The full commit is tried first (a token that may, a personal token or
an app's, pushes it all); when the remote refuses it, a second commit without the workflow
changes is pushed, and those changes go into the pull request's description as a patch.

A branch whose newest commit is not scaffold's (someone resolving the conflicts) is never
overwritten. :func:`write_workflow` adds the workflow that runs this weekly to a project made
from a third-party template (the roles' templates ship it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scaffolder import __version__, gitrepo, transaction
from scaffolder.errors import GitError, ScaffolderError
from scaffolder.project_state import Updated
from scaffolder.store import TemplateStore
from scaffolder.update import status, update

BRANCH = "scaffold/template-update"
WORKFLOWS = ".github/workflows"
WORKFLOW_FILE = f"{WORKFLOWS}/template-update.yml"
WORKFLOW_PARTIAL = "_shared/template-update.yml.jinja"
# Trailers of scaffold's own commit on the branch: what it was made from and to.
BASE_TRAILER = "Scaffold-Update-Base"
TO_TRAILER = "Scaffold-Update-To"
# GitHub keeps at most 65,536 characters of a pull request's description.
BODY_LIMIT = 60_000
FALLBACK_IDENTITY = ("scaffold", "scaffold@localhost")

Action = Literal["opened", "refreshed", "none", "left"]


@dataclass(frozen=True)
class PullRequest:
    """What ``update-pr`` did."""

    project: Path
    current: str  # the project's template version (or a third-party template's ref)
    latest: str
    action: Action  # opened or refreshed a pull request; none (up to date); left (not ours)
    branch: str = BRANCH
    base: str = ""
    url: str = ""
    pushed: bool = False  # a new commit went to the branch
    conflicts: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # workflow files, in the body as a patch
    title: str = ""
    body: str = ""
    notes: list[str] = field(default_factory=list)


def update_pr(
    path: Path,
    *,
    remote: str = "origin",
    branch: str = BRANCH,
    store: TemplateStore | None = None,
    source: str | None = None,
    trust: bool = False,
) -> PullRequest:
    """Open (or refresh) the pull request that brings ``path``'s project to its newest template.

    ``trust`` lets a third-party template's Jinja extensions load in the update's renders, as
    ``scaffold update --trust`` does (its hooks and tasks never run in an update)."""
    state = status(path, store=store, source=source)
    project, current, latest = state.project, str(state.current), str(state.latest)
    if state.up_to_date:
        return PullRequest(project, current, latest, "none", branch=branch, notes=state.notes)
    gitrepo.require_git()
    gh = _require_gh()
    base = _base_branch(project)
    base_sha = _rev(project, "HEAD")
    _require_base_on_remote(project, remote, base, base_sha)
    old_tip = _remote_tip(project, remote, branch)
    if old_tip is not None and not _ours(project, remote, branch, old_tip):
        note = (
            f"{remote}/{branch} has commits that are not scaffold's (someone is resolving the "
            "update there); it was left as it is"
        )
        return PullRequest(
            project, current, latest, "left", branch=branch, base=base,
            notes=[*state.notes, note],
        )  # fmt: skip
    with transaction.staged(project) as stage:
        result = update(stage.project, store=store, source=source, trust=trust)
        made = _commit_update(stage.tree, result, base_sha)
        pushed, held = _push(project, stage.tree, made, remote, branch, old_tip, base_sha)
    notes = [*state.notes, *result.notes, *pushed.notes]
    title = f"Update the template from {result.from_version} to {result.to_version}"
    body = _body(result, base, base_sha, held, made.patch if held else "")
    url, action = _open_or_refresh(gh, project, base, branch, title, body)
    return PullRequest(
        project, str(result.from_version), str(result.to_version), action, branch=branch,
        base=base, url=url, pushed=pushed.pushed, conflicts=result.conflicts,
        held_back=made.workflows if held else [], title=title, body=body, notes=notes,
    )  # fmt: skip


@dataclass(frozen=True)
class _Commits:
    full: str  # the whole update
    without_workflows: str | None  # the same without its workflow changes (None: it had none)
    workflows: list[str]  # the workflow files the update changed
    patch: str  # their change, as ``git apply`` reads it


@dataclass(frozen=True)
class _Pushed:
    pushed: bool
    notes: list[str]


def _commit_update(tree: Path, result: Updated, base_sha: str) -> _Commits:
    """Commit the staged update (conflicts with their markers) and, if it changed workflow
    files, a second commit on the same parent without those changes."""
    message = _message(result, base_sha)
    gitrepo.run([*gitrepo.OWN_COMMIT_CONFIG, "add", "--all"], tree)
    gitrepo.run(
        [*gitrepo.OWN_COMMIT_CONFIG, *_identity(tree), "commit", "--quiet", "--no-verify",
         "--allow-empty", "-m", message],
        tree,
    )  # fmt: skip
    full = _rev(tree, "HEAD")
    changed = gitrepo.run(
        ["diff", "--name-status", "--no-renames", "-z", base_sha, full, "--", WORKFLOWS], tree
    ).stdout.split("\0")
    pairs = list(zip(changed[::2], changed[1::2], strict=False))
    workflows = sorted(path for status_, path in pairs if status_)
    if not workflows:
        return _Commits(full, None, [], "")
    patch = gitrepo.run(["diff", "--binary", "--no-renames", base_sha, full, "--", WORKFLOWS], tree)
    with tempfile.TemporaryDirectory(prefix="scaffold-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        gitrepo.run(["read-tree", full], tree, env=env)
        for status_, path in pairs:
            if status_ == "A":
                gitrepo.run(["update-index", "--force-remove", "--", path], tree, env=env)
            else:  # back to the base's file (modified or deleted by the update)
                mode, _, sha = (
                    gitrepo.run(["ls-tree", base_sha, "--", path], tree)
                    .stdout.split("\t")[0]
                    .split()
                )
                gitrepo.run(
                    ["update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}"], tree, env=env
                )
        written = gitrepo.run(["write-tree"], tree, env=env).stdout.strip()
    without = gitrepo.run(
        [*gitrepo.OWN_COMMIT_CONFIG, *_identity(tree), "commit-tree", written, "-p", base_sha,
         "-m", message],
        tree,
    ).stdout.strip()  # fmt: skip
    return _Commits(full, without, workflows, patch.stdout)


def _push(
    project: Path,
    tree: Path,
    made: _Commits,
    remote: str,
    branch: str,
    old_tip: str | None,
    base_sha: str,
) -> tuple[_Pushed, bool]:
    """Push the update to ``branch``; returns what happened and whether workflows were held back.

    Nothing is pushed when the branch already holds the same change on the same parent (a run
    with nothing new refreshes the pull request only).
    """
    candidates = [(made.full, False)]
    if made.without_workflows is not None:
        candidates.append((made.without_workflows, True))
    if old_tip is not None:
        for commit, held in candidates:
            if _same_change(tree, old_tip, commit):
                return _Pushed(pushed=False, notes=[]), held
    lease = f"--force-with-lease=refs/heads/{branch}:{old_tip or ''}"
    notes: list[str] = []
    for commit, held in candidates:
        push = [
            *gitrepo.NO_HOOKS,
            "push",
            "--quiet",
            lease,
            remote,
            f"{commit}:refs/heads/{branch}",
        ]
        done = gitrepo.run(push, project, check=False)
        if done.returncode != 0:
            said = _remote_said(done.stderr)
            if held or made.without_workflows is None:
                raise ScaffolderError(f"git push to {remote} {branch} failed: {said}")
            notes.append(
                f"{remote} refused the workflow changes ({said}); they are in the pull "
                "request's description as a patch"
            )
            continue
        return _Pushed(pushed=True, notes=notes), held
    raise AssertionError("unreachable: the last candidate either pushes or raises")


def _remote_said(stderr: str) -> str:
    """What the remote said about a refused push (its hook's first line), else git's last."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    told = [line.removeprefix("remote:").strip() for line in lines if line.startswith("remote:")]
    told = [line for line in told if line]
    return told[0] if told else (lines[-1] if lines else "no output")


def _same_change(tree: Path, tip: str, commit: str) -> bool:
    """The branch's tip holds ``commit``'s files on ``commit``'s parent."""
    shown = ["show", "--no-patch", "--format=%T %P"]
    return bool(
        gitrepo.run([*shown, tip], tree).stdout.strip()
        == gitrepo.run([*shown, commit], tree).stdout.strip()
    )


def _message(result: Updated, base_sha: str) -> str:
    conflicts = (
        f"\n\nConflicts, committed with their markers: {', '.join(result.conflicts)}"
        if result.conflicts
        else ""
    )
    return (
        f"Update the template from {result.from_version} to {result.to_version}\n\n"
        f"Made by scaffold update-pr (scaffold {__version__}).{conflicts}\n\n"
        f"{BASE_TRAILER}: {base_sha}\n{TO_TRAILER}: {result.to_version}\n"
    )


def _body(result: Updated, base: str, base_sha: str, held: bool, patch: str) -> str:
    lines = [
        f"`scaffold update` from template {result.from_version} to {result.to_version}, "
        f"on `{base}` at {base_sha[:12]}.",
        "",
        f"### Changed files ({len(result.changed)})",
        "",
        *(f"- `{name}`{_held_note(name, held)}" for name in result.changed),
        "",
    ]
    if result.conflicts:
        lines += [
            f"### Conflicts ({len(result.conflicts)})",
            "",
            "You and the template changed the same lines. These files are committed with "
            "conflict markers, so this pull request's checks fail until you resolve them on "
            "this branch:",
            "",
            *(f"- `{name}`" for name in result.conflicts),
            "",
        ]
    else:
        lines += ["No conflicts.", ""]
    if result.dependencies_changed:
        lines += [
            "`pyproject.toml` changed: run `make setup` (or `uv lock`) on this branch and "
            "commit `uv.lock`.",
            "",
        ]
    if held:
        fence = _fence(patch)
        lines += [
            "### Workflow changes (not in this branch)",
            "",
            "This workflow's token may not change `.github/workflows`. To apply the changes, "
            "save the patch below as `workflows.patch` in a checkout of this branch and run "
            '`git apply --index workflows.patch && git commit -m "Template update: workflows" '
            "&& git push`. Do it before merging: once merged, the project counts as updated "
            "and these changes are not offered again.",
            "",
        ]
        if len(patch) > BODY_LIMIT:
            lines += [
                f"The patch is too long for this description ({len(patch)} characters): run "
                f"`scaffold update --to {result.to_version}` in a checkout of `{base}` and "
                f"commit only `{WORKFLOWS}` on this branch.",
                "",
            ]
        else:
            lines += [f"{fence}diff", patch.rstrip("\n"), fence, ""]
    lines.append(
        f"_Opened by `scaffold update-pr` (scaffold {__version__}); each run refreshes this "
        "pull request while it is open._"
    )
    return "\n".join(lines) + "\n"


def _held_note(name: str, held: bool) -> str:
    return " (in the patch below)" if held and name.startswith(f"{WORKFLOWS}/") else ""


def _fence(text: str) -> str:
    """A Markdown code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _open_or_refresh(
    gh: str, project: Path, base: str, branch: str, title: str, body: str
) -> tuple[str, Action]:
    listed = _gh(
        gh, project,
        ["pr", "list", "--head", branch, "--base", base, "--state", "open",
         "--json", "number,url", "--limit", "1"],
    )  # fmt: skip
    try:
        found = json.loads(listed or "[]")
    except ValueError:
        raise ScaffolderError(f"gh pr list printed what is not JSON: {listed[:80]!r}") from None
    with tempfile.TemporaryDirectory(prefix="scaffold-pr-") as scratch:
        body_file = Path(scratch) / "body.md"
        body_file.write_text(body, encoding="utf-8")
        if found:
            number, url = str(found[0]["number"]), str(found[0]["url"])
            _gh(
                gh, project, ["pr", "edit", number, "--title", title, "--body-file", str(body_file)]
            )
            return url, "refreshed"
        out = _gh(
            gh, project,
            ["pr", "create", "--base", base, "--head", branch, "--title", title,
             "--body-file", str(body_file)],
        )  # fmt: skip
    return out.strip().splitlines()[-1] if out.strip() else "", "opened"


def _gh(gh: str, project: Path, args: list[str]) -> str:
    result = subprocess.run(
        [gh, *args], cwd=project, capture_output=True, text=True, check=False,
        env={**os.environ, "GH_PROMPT_DISABLED": "1", "NO_COLOR": "1"},
    )  # fmt: skip
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise ScaffolderError(
            f"gh {' '.join(args[:2])} failed: {said[-1] if said else 'no output'}; the branch "
            "is pushed, so you can open the pull request by hand"
        )
    return result.stdout


def _require_gh() -> str:
    gh = shutil.which("gh")
    if gh is None:
        raise ScaffolderError(
            "gh (the GitHub CLI) was not found on PATH; install it (https://cli.github.com), "
            "or run this on a GitHub runner, where it is installed"
        )
    return gh


def _identity(tree: Path) -> list[str]:
    """git's identity, or scaffold's own where the machine has none (a fresh runner)."""
    if gitrepo.run(["config", "user.email"], tree, check=False).stdout.strip():
        return []
    if os.environ.get("GIT_AUTHOR_EMAIL") and os.environ.get("GIT_COMMITTER_EMAIL"):
        return []
    name, email = FALLBACK_IDENTITY
    return ["-c", f"user.name={name}", "-c", f"user.email={email}"]


def _rev(cwd: Path, what: str) -> str:
    return gitrepo.run(["rev-parse", "--verify", what], cwd).stdout.strip()


def _base_branch(project: Path) -> str:
    found = gitrepo.run(["symbolic-ref", "--quiet", "--short", "HEAD"], project, check=False)
    if found.returncode != 0:
        raise GitError(
            f"{project} is not on a branch (a detached HEAD); check out the branch the pull "
            "request should go into (git switch main), then run scaffold update-pr again"
        )
    return found.stdout.strip()


def _remote_tip(project: Path, remote: str, branch: str) -> str | None:
    listed = gitrepo.run(["ls-remote", "--heads", remote, f"refs/heads/{branch}"], project)
    line = listed.stdout.strip()
    return line.split()[0] if line else None


def _require_base_on_remote(project: Path, remote: str, base: str, base_sha: str) -> None:
    """The pull request goes into the remote's ``base``: it must be what is checked out."""
    theirs = _remote_tip(project, remote, base)
    if theirs != base_sha:
        where = "does not have it" if theirs is None else f"is at {theirs[:12]}"
        raise GitError(
            f"{base} is at {base_sha[:12]} here but {remote} {where}; push or pull {base} "
            "first, so the pull request holds the update alone"
        )


def _ours(project: Path, remote: str, branch: str, tip: str) -> bool:
    """The branch's newest commit is one ``update-pr`` made (its trailers say so)."""
    # By name, not by commit: a server need not hand out a commit asked for by its hash.
    fetch = ["fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}"]
    gitrepo.run([*gitrepo.NO_HOOKS, *fetch], project)
    message = gitrepo.run(["show", "--no-patch", "--format=%B", tip], project).stdout
    return f"\n{TO_TRAILER}: " in message and f"\n{BASE_TRAILER}: " in message


def write_workflow(path: Path, *, store: TemplateStore | None = None) -> Path:
    """Write the weekly update workflow into the repository of a third-party template's project.

    The roles' templates ship the same file: one partial renders both.
    """
    import jinja2
    import yaml

    from scaffolder.records import find_project, has_record

    project = find_project(path)
    if not has_record(project):
        raise ScaffolderError(
            f"{project} is not a project made from a third-party template (no "
            ".scaffolder-template.json, .cruft.json or Copier answers naming its template); "
            f"a role's repository has {WORKFLOW_FILE} from its template already"
        )
    top = gitrepo.toplevel(project) or project
    target = top / WORKFLOW_FILE
    if target.exists():
        raise ScaffolderError(f"{target} exists already; delete it first to write it again")
    store = store or TemplateStore.installed()
    config = (store.templates_dir / "copier.yml").read_text(encoding="utf-8")
    envops = dict(next(yaml.safe_load_all(config))["_envops"])  # the roles' own Jinja settings
    envops["undefined"] = getattr(jinja2, str(envops["undefined"]).rsplit(".", 1)[-1])
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(store.templates_dir), **envops)
    text = env.get_template(WORKFLOW_PARTIAL).render()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
