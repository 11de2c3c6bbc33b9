"""scaffold new --template and scaffold update with real Copier and Cookiecutter templates,
each a local git repository with two tagged versions."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from scaffolder.errors import EXIT_CONFLICTS, EXIT_ERROR, EXIT_UPDATE_AVAILABLE
from scaffolder.records import RECORD_FILE
from tests.conftest import Cli
from tests.thirdparty_templates import (
    SLUG,
    commit_version,
    cookiecutter_files,
    copier_files,
    git,
    make_template,
)

ENGINES = ["cookiecutter", "copier"]
# Copier leaves a folder iterator open when a render fails mid-walk; it closes when collected.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <posix.ScandirIterator:pytest.PytestUnraisableExceptionWarning"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (the .git folder's index and HEAD included), byte for byte."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not relative.startswith(".git/objects"):
            found[relative] = path.read_bytes()
    return found


def generate(cli: Cli, template: Path, dest: Path, *extra: str) -> None:
    result = cli("new", str(dest), "--template", str(template), "--defaults", *extra)
    assert result.code == 0, result.err


def commit_all(project: Path, message: str = "my edits") -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)


@pytest.mark.parametrize("engine", ENGINES)
def test_new_from_v1_edit_update_to_v2_keeps_edits(cli: Cli, tmp_path: Path, engine: str) -> None:
    template = make_template(tmp_path, engine)
    project = tmp_path / "proj"
    made = cli("new", str(project), "-t", str(template), "--vcs-ref", "v1.0", "--defaults",
               "--data", "project_name=Demo")  # fmt: skip
    assert made.code == 0, made.err
    assert made.err == ""  # no warning: the template's code wrote nothing outside the project
    assert git(project, "log", "--format=%s").strip() == "Initial commit from scaffold new"
    assert (project / "old.txt").is_file()
    record = json.loads((project / RECORD_FILE).read_text())
    assert (record["engine"], record["ref"], record["answers"]["project_name"]) == (
        engine, "v1.0", "Demo",
    )  # fmt: skip
    assert cli("check", str(project)).code == EXIT_UPDATE_AVAILABLE

    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line a", "line a, my words"))
    (project / "keep.txt").unlink()  # changed by v2: a file the user deleted stays deleted
    commit_all(project)

    result = cli("update", str(project))
    assert result.code == 0, result.err
    text = readme.read_text()
    assert "line a, my words" in text
    assert "line c, as v2 has it\nline d\n" in text
    assert (project / "new.txt").read_text() == "new in v2\n"
    assert not (project / "old.txt").exists()  # removed by v2, unchanged by the user
    assert not (project / "keep.txt").exists()
    assert json.loads((project / RECORD_FILE).read_text())["ref"] == "v2.0"
    commit_all(project, "update")
    assert cli("check", str(project)).out == "up to date: template v2.0\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_conflicts_are_git_conflicts_exit_3(cli: Cli, tmp_path: Path, engine: str) -> None:
    template = make_template(tmp_path, engine)
    project = tmp_path / "proj"
    generate(cli, template, project, "--vcs-ref", "v1.0")
    (project / "README.md").write_text(
        (project / "README.md").read_text().replace("line c", "line c, mine")
    )
    (project / "old.txt").write_text("old, but I changed it\n")  # v2 removes it
    commit_all(project)

    result = cli("update", str(project))
    assert result.code == EXIT_CONFLICTS
    assert result.out.splitlines()[-2:] == ["conflict: README.md", "conflict: old.txt"]
    unmerged = git(project, "ls-files", "--unmerged")
    assert "README.md" in unmerged
    assert "old.txt" in unmerged
    text = (project / "README.md").read_text()
    assert "<<<<<<< README.md" in text
    assert "line c, mine" in text
    assert "line c, as v2" in text
    assert (project / "old.txt").read_text() == "old, but I changed it\n"
    assert cli("check", str(project)).code == EXIT_CONFLICTS
    assert cli("update", str(project)).code == EXIT_CONFLICTS


@pytest.mark.parametrize("engine", ENGINES)
def test_conflict_rej_keeps_the_users_file_and_writes_the_templates_change(
    cli: Cli, tmp_path: Path, engine: str
) -> None:
    template = make_template(tmp_path, engine)
    project = tmp_path / "proj"
    generate(cli, template, project, "--vcs-ref", "v1.0")
    readme = project / "README.md"
    mine = readme.read_text().replace("line c", "line c, mine")
    readme.write_text(mine)
    commit_all(project)

    result = cli("update", str(project), "--conflict", "rej")
    assert result.code == EXIT_CONFLICTS
    assert result.out.splitlines()[-1] == "conflict: README.md.rej"
    assert "line c, as v2 has it\nline d\n" in readme.read_text()  # the template's version
    assert "line c, mine" not in readme.read_text()
    assert git(project, "ls-files", "--unmerged") == ""
    rejected = (project / "README.md.rej").read_text()
    assert rejected.startswith("diff a/README.md b/README.md\t(rejected hunks)\n@@")
    assert "-line c\n+line c, mine\n" in rejected  # the user's hunk, kept for them
    assert (project / "new.txt").is_file()  # the rest of the update is applied
    assert cli("check", str(project)).code == EXIT_CONFLICTS
    (project / "README.md.rej").unlink()
    commit_all(project, "resolved")
    assert cli("check", str(project)).code == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_update_leaves_the_tree_byte_identical(
    cli: Cli, tmp_path: Path, engine: str
) -> None:
    template = make_template(tmp_path, engine)
    project = tmp_path / "proj"
    generate(cli, template, project, "--vcs-ref", "v1.0")
    (project / "README.md").write_text("mine\n")
    commit_all(project)
    broken = "README.md.jinja" if engine == "copier" else f"{SLUG}/README.md"
    (template / broken).write_text("{% if %}\n")  # v3 does not render
    git(template, "commit", "-qam", "v3")
    git(template, "tag", "v3.0")
    before = snapshot(project)

    result = cli("update", str(project))
    assert result.code == EXIT_ERROR
    assert len(result.err.splitlines()) == 1
    assert snapshot(project) == before


@pytest.mark.parametrize("engine", ENGINES)
def test_pretend_update_changes_nothing(cli: Cli, tmp_path: Path, engine: str) -> None:
    template = make_template(tmp_path, engine)
    project = tmp_path / "proj"
    generate(cli, template, project, "--vcs-ref", "v1.0")
    before = snapshot(project)
    result = cli("update", str(project), "--pretend")
    assert (result.code, result.out) == (0, "pretend: would update from template v1.0 to v2.0.\n")
    assert snapshot(project) == before


def test_detection_names_what_it_looked_for(cli: Cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("not a template\n")
    result = cli("new", str(tmp_path / "x"), "--template", str(plain), "--defaults")
    assert result.code == EXIT_ERROR
    assert result.err == (
        f"error: {plain} is not a template: it has no copier.yml, copier.yaml or "
        "cookiecutter.json (for a template in a subfolder, pass --directory DIR)\n"
    )
    assert not (tmp_path / "x").exists()


def test_a_template_with_both_files_runs_through_copier_unless_asked(
    cli: Cli, tmp_path: Path
) -> None:
    repo = tmp_path / "both"
    files = {
        "copier.yml": "_subdirectory: copier\nproject_name: Demo\n",
        "copier/made-by.txt": "copier\n",
        "cookiecutter.json": json.dumps({"project_slug": "demo"}),
        f"{SLUG}/made-by.txt": "cookiecutter\n",
    }
    commit_version(repo, files, "1.0.0")
    generate(cli, repo, tmp_path / "a")
    generate(cli, repo, tmp_path / "b", "--engine", "cookiecutter")
    assert (tmp_path / "a/made-by.txt").read_text() == "copier\n"
    assert (tmp_path / "b/made-by.txt").read_text() == "cookiecutter\n"


def test_directory_picks_a_template_inside_a_repo(cli: Cli, tmp_path: Path) -> None:
    repo = tmp_path / "starters"
    commit_version(
        repo,
        {"starters/one/cookiecutter.json": '{"project_slug": "one"}', f"starters/one/{SLUG}/a": ""},
        "v1",
    )
    generate(cli, repo, tmp_path / "p", "--directory", "starters/one")
    assert (tmp_path / "p/a").is_file()
    record = json.loads((tmp_path / "p" / RECORD_FILE).read_text())
    assert record["directory"] == "starters/one"


def test_unknown_answer_key_is_refused(cli: Cli, tmp_path: Path) -> None:
    template = make_template(tmp_path, "cookiecutter")
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults", "-d", "nope=1")
    assert result.code == EXIT_ERROR
    assert result.err == (
        "error: unknown answer key 'nope'; the template asks for: project_name, project_slug\n"
    )


# --- trust: every code route refused without --trust, run with it -----------------------------


def _hook_script(tmp_path: Path) -> tuple[Path, Path]:
    """A script that writes a random secret into the project and counts its runs."""
    counter = tmp_path / "runs.txt"
    script = tmp_path / "hook_body.py"
    script.write_text(
        "import pathlib, secrets\n"
        "pathlib.Path('secret.txt').write_text(secrets.token_hex(16))\n"
        f"with open({str(counter)!r}, 'a') as f:\n    f.write('run\\n')\n"
    )
    return script, counter


def _runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


@pytest.mark.parametrize(
    ("engine", "route"),
    [
        ("cookiecutter", "pre_prompt"),
        ("cookiecutter", "pre_gen_project"),
        ("cookiecutter", "post_gen_project"),
        ("copier", "_tasks"),
    ],
)
def test_hooks_and_tasks_need_trust_run_once_never_in_update(
    cli: Cli, tmp_path: Path, engine: str, route: str
) -> None:
    script, counter = _hook_script(tmp_path)
    if engine == "cookiecutter":
        code = script.read_text()
        if route == "pre_prompt":  # runs in a copy of the template, before any project exists
            code = code.replace("'secret.txt'", "'pre-prompt-ran.txt'")
        extra = {f"hooks/{route}.py": code}
        named = f"cookiecutter {route} hook: hooks/{route}.py"
        digest = hashlib.sha256(code.encode()).hexdigest()
    else:
        command = f"{sys.executable} {script}"
        extra = {"copier.yml": f"_tasks:\n  - {command}\n"}
        named = f"copier task: {command}"
        digest = hashlib.sha256(command.encode()).hexdigest()
    template = make_template(tmp_path, engine, extra)
    project = tmp_path / "proj"

    refused = cli("new", str(project), "-t", str(template), "--defaults", "--vcs-ref", "v1.0")
    assert refused.code == EXIT_ERROR
    assert "rerun with --trust" in refused.err
    assert f"  {named} (sha256 {digest})\n" in refused.err
    assert _runs(counter) == 0
    assert not project.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".scaffold")] == []

    generate(cli, template, project, "--vcs-ref", "v1.0", "--trust")
    assert _runs(counter) == 1
    if route != "pre_prompt":
        secret = (project / "secret.txt").read_text()
        assert git(project, "ls-files", "secret.txt").strip() == "secret.txt"

    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("line a", "my line"))
    commit_all(project)
    result = cli("update", str(project))
    assert result.code == 0, result.err
    assert _runs(counter) == 1  # replay renders run no template code
    if route != "pre_prompt":
        assert (project / "secret.txt").read_text() == secret  # untouched, no conflict
    assert "my line" in (project / "README.md").read_text()


def test_local_extensions_need_trust_and_load_in_updates_only_with_it(
    cli: Cli, tmp_path: Path
) -> None:
    canary = tmp_path / "canary.txt"
    extension = (
        "from cookiecutter.utils import simple_filter\n"
        f"with open({str(canary)!r}, 'a') as f:\n    f.write('imported\\n')\n\n"
        "@simple_filter\ndef shout(value):\n    return value.upper()\n"
    )
    context = json.dumps(
        {"project_name": "Demo", "project_slug": "demo", "_extensions": ["local_extensions.shout"]}
    )
    extra = {
        "local_extensions.py": extension,
        "cookiecutter.json": context,
        f"{SLUG}/title.txt": "{{ cookiecutter.project_name | shout }}\n",
    }
    template = make_template(tmp_path, "cookiecutter", extra)
    project = tmp_path / "proj"
    refused = cli("new", str(project), "-t", str(template), "--defaults", "--vcs-ref", "v1.0")
    assert refused.code == EXIT_ERROR
    digest = hashlib.sha256(extension.encode()).hexdigest()
    line = (
        f"  cookiecutter extension: local_extensions.shout (local_extensions.py) (sha256 {digest})"
    )
    assert line in refused.err.splitlines()
    assert not canary.exists()
    assert not project.exists()

    generate(cli, template, project, "--vcs-ref", "v1.0", "--trust")
    assert (project / "title.txt").read_text() == "DEMO\n"
    git(project, "commit", "-q", "--allow-empty", "-m", "nothing")
    imports = len(canary.read_text().splitlines())
    assert cli("update", str(project)).code == EXIT_ERROR  # a render needs it: trust again
    assert len(canary.read_text().splitlines()) == imports
    assert cli("update", str(project), "--trust").code == 0


def test_an_unlisted_local_extensions_module_is_still_code(cli: Cli, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    template = make_template(
        tmp_path, "cookiecutter", {"local_extensions.py": f"open({str(canary)!r}, 'w').close()\n"}
    )
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults")
    assert result.code == EXIT_ERROR
    assert "  cookiecutter local extension: local_extensions.py (sha256 " in result.err
    assert not canary.exists()


@pytest.mark.parametrize("key", ["_migrations", "_jinja_extensions"])
def test_copier_migrations_and_extensions_need_trust(cli: Cli, tmp_path: Path, key: str) -> None:
    value = "  - version: v2.0\n    command: touch canary\n" if key == "_migrations" else (
        "  - canary_ext.Canary\n"
    )  # fmt: skip
    template = make_template(tmp_path, "copier", {"copier.yml": f"{key}:\n{value}"})
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults")
    assert result.code == EXIT_ERROR
    kind = "copier migration: touch canary" if key == "_migrations" else "copier jinja extension"
    assert f"  {kind}" in result.err
    assert not (tmp_path / "p").exists()


def test_copier_jinja_extensions_load_only_with_trust_in_new_and_update(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copier imports ``_jinja_extensions`` by module path: installed beside it, not from the
    template. Missing, it is one line; installed, it runs only with --trust."""
    module = f"shout_ext_{tmp_path.name.replace('-', '_')}"  # fresh: not in sys.modules yet
    canary = tmp_path / "canary.txt"
    extra = {
        "copier.yml": f"_jinja_extensions:\n  - {module}.Shout\n",
        "title.txt.jinja": "{{ project_name | shout }}\n",
    }
    template = make_template(tmp_path, "copier", extra)
    project = tmp_path / "proj"
    refused = cli("new", str(project), "-t", str(template), "--defaults", "--vcs-ref", "v1.0")
    assert refused.code == EXIT_ERROR
    assert f"  copier jinja extension: {module}.Shout" in refused.err
    missing = cli("new", str(project), "-t", str(template), "--defaults", "--trust")
    assert missing.code == EXIT_ERROR
    assert len(missing.err.splitlines()) == 1
    assert f"No module named '{module}'" in missing.err
    assert not project.exists()

    installed = tmp_path / "site"
    installed.mkdir()
    (installed / f"{module}.py").write_text(
        "from jinja2.ext import Extension\n"
        f"with open({str(canary)!r}, 'a') as f:\n    f.write('imported\\n')\n\n"
        "class Shout(Extension):\n"
        "    def __init__(self, environment):\n"
        "        super().__init__(environment)\n"
        "        environment.filters['shout'] = lambda value: value.upper()\n"
    )
    monkeypatch.syspath_prepend(str(installed))
    again = cli("new", str(project), "-t", str(template), "--defaults", "--vcs-ref", "v1.0")
    assert again.code == EXIT_ERROR  # installed or not, it is code: trust first
    assert not canary.exists()
    generate(cli, template, project, "--vcs-ref", "v1.0", "--trust")
    assert canary.read_text() == "imported\n"
    assert (project / "title.txt").read_text() == "DEMO\n"
    refused = cli("update", str(project))
    assert refused.code == EXIT_ERROR  # the replays render with it: trust again
    assert "rerun with --trust" in refused.err
    result = cli("update", str(project), "--trust")
    assert result.code == 0, result.err
    assert (project / "new.txt").is_file()
    assert (project / "title.txt").read_text() == "DEMO\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_template_needing_a_missing_tool_fails_in_one_line(
    cli: Cli, tmp_path: Path, engine: str
) -> None:
    """A hook or task that runs a CLI this machine lacks: one line naming it, nothing written."""
    if engine == "cookiecutter":
        hook = "import subprocess\nsubprocess.check_call(['no-such-tool-xyz', 'init'])\n"
        extra = {"hooks/post_gen_project.py": hook}
        line = (
            "error: the template's hook failed: Stopping generation because post_gen_project "
            "hook script didn't exit successfully (Hook script failed (exit status: 1)); its own "
            "output is above, and nothing was written\n"
        )
    else:
        extra = {"copier.yml": "_tasks:\n  - no-such-tool-xyz init\n"}
        line = (
            "error: the template's task 'no-such-tool-xyz init' failed (exit status 127; a "
            "command it runs is not installed); its own output is above, and nothing was written\n"
        )
    template = make_template(tmp_path, engine, extra)
    before = snapshot(tmp_path)
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults", "--trust")
    assert (result.code, result.err) == (EXIT_ERROR, line)
    assert snapshot(tmp_path) == before


# --- hostile templates: paths that leave the destination ---------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("target", ["../../escaped", "/tmp/scaffold-escaped-absolute"])
def test_a_path_escaping_the_destination_is_refused(
    cli: Cli, tmp_path: Path, engine: str, target: str
) -> None:
    work = tmp_path / "work"
    if engine == "cookiecutter":
        context = {"project_slug": "demo", "target": target}
        files = {
            "cookiecutter.json": json.dumps(context),
            f"{SLUG}/{{{{cookiecutter.target}}}}": "x",
        }
    else:
        files = {"copier.yml": f"target: {target}\n", "{{ target }}": "x"}
    repo = work / "template"
    commit_version(repo, files, "v1")
    dest = work / "out" / "proj"
    before = snapshot(tmp_path)
    result = cli("new", str(dest), "-t", str(repo), "--defaults")
    assert result.code == EXIT_ERROR
    assert len(result.err.splitlines()) == 1
    assert snapshot(tmp_path) == before
    assert not Path(target).exists()
    assert not (work / "escaped").exists()


def test_trusted_hooks_that_write_outside_the_project_are_reported(
    cli: Cli, tmp_path: Path
) -> None:
    hook = (
        "import pathlib\n"
        "pathlib.Path('../stray.txt').write_text('x')\n"  # beside the project, in staging
        "pathlib.Path('../../stray2.txt').write_text('x')\n"
        "pathlib.Path('../../../escaped.txt').write_text('x')\n"  # beside the destination
    )
    template = make_template(tmp_path, "cookiecutter", {"hooks/post_gen_project.py": hook})
    work = tmp_path / "work"
    work.mkdir()
    result = cli("new", str(work / "p"), "-t", str(template), "--defaults", "--trust")
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        "warning: the template's code wrote outside the new project (stray.txt, stray2.txt); "
        "that was discarded",
        f"warning: the template's code wrote outside the new project: {work / 'escaped.txt'}; "
        "review and remove it",
    ]
    assert sorted(p.name for p in work.iterdir()) == ["escaped.txt", "p"]
    assert not (work / "p" / "stray.txt").exists()


# --- --setup: a Makefile's setup target, else a pyproject through uv ---------------------------


def test_setup_runs_the_templates_make_setup(cli: Cli, tmp_path: Path) -> None:
    makefile = {f"{SLUG}/Makefile": "setup:\n\techo ready > set-up.txt\n"}
    template = make_template(tmp_path, "cookiecutter", makefile)
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults", "--setup")
    assert result.code == 0, result.err
    assert (tmp_path / "p" / "set-up.txt").read_text() == "ready\n"
    assert result.err.endswith("Set up (make setup), set-up.txt committed.\n")


def test_setup_of_a_pyproject_is_uv_sync_and_commits_the_lock(cli: Cli, tmp_path: Path) -> None:
    pyproject = '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\ndependencies = []\n'
    template = make_template(tmp_path, "copier", {"pyproject.toml.jinja": pyproject})
    project = tmp_path / "p"
    plain = cli("new", str(tmp_path / "q"), "-t", str(template), "--defaults")
    assert plain.out.splitlines()[-1] == f"Next: cd {tmp_path / 'q'} && uv sync"

    result = cli("new", str(project), "-t", str(template), "--defaults", "--setup")
    assert result.code == 0, result.err
    assert (project / ".venv").is_dir()
    assert result.err.endswith("Set up (uv sync), uv.lock committed.\n")
    assert git(project, "status", "--porcelain") == ""
    assert "uv.lock" in git(project, "show", "--name-only", "--format=", "HEAD")


def test_setup_without_a_way_to_set_up_says_so(cli: Cli, tmp_path: Path) -> None:
    template = make_template(tmp_path, "cookiecutter")
    result = cli("new", str(tmp_path / "p"), "-t", str(template), "--defaults", "--setup")
    assert result.code == EXIT_ERROR
    assert result.err == (
        f"error: --setup: {tmp_path / 'p'} has neither a Makefile with a setup target nor a "
        "pyproject.toml; set it up as its README says (the project itself was created)\n"
    )
    assert (tmp_path / "p" / "README.md").is_file()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("theirs", "mine", "kind"),
    [("notes", "notes/mine.txt", "a file"), ("notes/theirs.txt", "notes", "a folder")],
)
def test_a_template_path_of_the_other_type_than_the_users_is_named_and_nothing_changes(
    cli: Cli, tmp_path: Path, engine: str, theirs: str, mine: str, kind: str
) -> None:
    """v2 adds a file where the user made a folder, or a folder where the user made a file."""
    where = f"{SLUG}/" if engine == "cookiecutter" else ""
    repo = tmp_path / f"{engine}-template"
    build = cookiecutter_files if engine == "cookiecutter" else copier_files
    commit_version(repo, build(1), "v1.0")
    commit_version(repo, build(2, {f"{where}{theirs}": "the template's\n"}), "v2.0")
    project = tmp_path / "proj"
    generate(cli, repo, project, "--vcs-ref", "v1.0")
    (project / mine).parent.mkdir(parents=True, exist_ok=True)
    (project / mine).write_text("mine\n")
    commit_all(project)
    before = snapshot(project)

    result = cli("update", str(project))
    folder = "notes"
    other = "a folder" if kind == "a file" else "a file"
    assert (result.code, result.out, result.err) == (
        EXIT_ERROR,
        "",
        f"error: the template has {kind} {folder} where your project has {other}; rename yours "
        f"(git mv {folder} NEW-NAME), commit, and run scaffold update again\n",
    )
    assert snapshot(project) == before
