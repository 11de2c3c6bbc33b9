"""The rules every GitHub workflow we ship follows, the scaffolder's own and every generated one.

- Each ``uses:`` names a full commit SHA (what runs cannot move under us) with its release tag in
  a comment beside it (what a reader and Dependabot read): ``actions/checkout@<sha> # v5.1.0``.
- Nothing is granted at the workflow level; each job asks for its own permissions.
- A job that publishes (PyPI, Pages, a container registry) restores nothing from a cache, which
  another workflow run could have poisoned.
- zizmor, offline, finds nothing of medium severity or higher (an ignore needs a reason beside it).

Used by tests/test_supply_chain.py (this repository) and tests/templates/test_render_matrix.py
(every role x option).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>.*)$")
PINNED = re.compile(
    r"(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})\s+#\s*(?P<version>v?\d+\.\d+\.\d+)"
)
# Permissions that let a job change something outside its own run: such a job publishes.
PUBLISHING_SCOPES = {"id-token", "packages", "pages", "contents", "deployments", "attestations"}


def unpinned_uses(path: Path) -> list[str]:
    """Every ``uses:`` line of a workflow that is not ``owner/repo@<40 hex> # vX.Y.Z``."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if (match := USES_LINE.match(line)) and not PINNED.fullmatch(match["value"].strip()):
            found.append(f"{path}:{number}: {line.strip()}")
    return found


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text())
    assert isinstance(workflow, dict), path
    return workflow


def permission_problems(path: Path) -> list[str]:
    """The workflow grants nothing itself; every job states what it needs."""
    workflow = load(path)
    found = []
    if workflow.get("permissions") != {}:
        found.append(
            f"{path}: workflow-level permissions are {workflow.get('permissions')!r}, not {{}}"
        )
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions")
        if not isinstance(permissions, dict):
            found.append(f"{path}: job {name} states no permissions of its own: {permissions!r}")
    return found


def publishes(job: dict[str, Any]) -> bool:
    writes = {scope for scope, level in job.get("permissions", {}).items() if level == "write"}
    return bool(writes & PUBLISHING_SCOPES)


def publishing_jobs(workflow: dict[str, Any]) -> set[str]:
    """Jobs that publish, and the jobs whose output they publish (what they need, transitively)."""
    jobs = workflow["jobs"]
    found = {name for name, job in jobs.items() if publishes(job)}
    pending = list(found)
    while pending:
        needs = jobs[pending.pop()].get("needs", [])
        for name in [needs] if isinstance(needs, str) else needs:
            if name not in found:
                found.add(name)
                pending.append(name)
    return found


def cache_in_publishing_jobs(path: Path) -> list[str]:
    """Steps of a publishing job, or of one it publishes the output of, that restore a cache
    (setup-uv caches unless told not to)."""
    found = []
    workflow = load(path)
    for name in sorted(publishing_jobs(workflow)):
        job = workflow["jobs"][name]
        for step in job.get("steps", []):
            action = str(step.get("uses", "")).split("@")[0]
            options = step.get("with", {})
            if (
                (action == "astral-sh/setup-uv" and options.get("enable-cache") is not False)
                or action in {"actions/cache", "actions/cache/restore"}
                or (action.startswith("actions/setup-") and "cache" in options)
            ):
                found.append(f"{path}: job {name} publishes and restores a cache ({action})")
    return found


def zizmor(*inputs: Path) -> subprocess.CompletedProcess[str]:
    """zizmor (the version uv.lock pins) offline over files or repository folders; exit 0 means
    nothing of medium severity or higher."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", "--no-progress",
         "--min-severity", "medium", *map(str, inputs)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def dependabot_schema_check(*files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema's built-in Dependabot schema over the files."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot",
         *map(str, files)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def dependabot_problems(path: Path) -> list[str]:
    """Grouped weekly updates for uv and github-actions at the repository root."""
    config = yaml.safe_load(path.read_text())
    found = []
    for ecosystem in ("uv", "github-actions"):
        # The root's entry, when there is one (a tool folder may have an entry of its own).
        entries = [u for u in config["updates"] if u["package-ecosystem"] == ecosystem]
        update = next((u for u in entries if u.get("directory") == "/"), None) or next(
            iter(entries), None
        )
        if update is None:
            found.append(f"{path}: no {ecosystem} updates")
            continue
        if update.get("directory") != "/":
            found.append(f"{path}: {ecosystem} updates are not for the repository root")
        if update["schedule"]["interval"] != "weekly":
            found.append(f"{path}: {ecosystem} updates are not weekly")
        groups = update.get("groups", {})
        if not any(group.get("patterns") == ["*"] for group in groups.values()):
            found.append(f"{path}: {ecosystem} updates are not grouped into one pull request")
    return found
