"""The HTML a user publishes passes the Nu HTML checker (the W3C's validator) with no errors.

For every role, with default answers: ``make evidence``, ``scaffold showcase``, then every
``.html`` file under ``site/`` (the page, and the copies of attachments such as the analyst's
report) and under ``evidence/`` (the analyst's report itself) is checked. The projects are the
session's shared ones (``set_up_project``), put back afterwards.

The checker is the npm package ``vnu-jar``, pinned by tools/vnu/package-lock.json; it runs on
the Java the suite already installs (``.ci/run``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.roles import list_roles
from scaffolder.store import TemplateStore
from tests.conftest import Cli
from tests.projects import SetUp, restore, sh

pytestmark = pytest.mark.slow

VNU = Path(__file__).resolve().parents[1] / "tools" / "vnu"

ROLES = [
    # The same worker as the other tests of this project (--dist loadgroup), so it is set up once.
    pytest.param(role.name, marks=pytest.mark.xdist_group(f"{role.name}-defaults"), id=role.name)
    for role in list_roles(TemplateStore.installed())
]


def vnu_jar() -> Path:
    """The checker's jar, installed from npm (``npm ci``) on first use."""
    npm = shutil.which("npm")
    assert npm, "the Nu HTML checker comes from npm: apt-get install -y nodejs npm"
    assert shutil.which("java"), "the Nu HTML checker needs Java: apt-get install -y default-jre"
    jar = VNU / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        subprocess.run([npm, "ci", "--silent", "--prefix", str(VNU)], check=True)
    return jar


def html_errors(files: list[Path]) -> list[str]:
    """Every error the checker reports, as ``file:line: message`` (warnings are not errors)."""
    java = shutil.which("java")
    assert java
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]  # vnu writes its report to stderr
    errors = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors or result.returncode == 0, result.stderr
    return errors


def test_the_checker_finds_errors(tmp_path: Path) -> None:
    """The checker is really run: a page with a repeated id (what four inlined matplotlib
    charts gave) is an error."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><p id="figure_1">a</p><p id="figure_1">b</p></body></html>',
        encoding="utf-8",
    )
    assert html_errors([page]) == ["bad.html:1: Duplicate ID \u201cfigure_1\u201d."]


@pytest.mark.parametrize("role", ROLES)
def test_published_pages_are_valid_html(role: str, set_up_project: SetUp, cli: Cli) -> None:
    project = set_up_project(role, "defaults")
    try:
        sh("make", "evidence", cwd=project)
        result = cli("showcase", str(project))
        assert result.code == 0, result.err
        files = sorted(
            [*(project / "site").rglob("*.html"), *(project / "evidence").rglob("*.html")]
        )
        assert project / "site" / "index.html" in files
        if role == "analyst":  # the role's main artefact, and its copy on the page's site
            assert project / "evidence" / "report.html" in files
            assert project / "site" / "evidence" / "report.html" in files
        assert html_errors(files) == []
    finally:
        restore(project)
