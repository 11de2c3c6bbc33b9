"""The trust gate (scaffolder.trust) on its own: template folders built in tmp_path, each
carrying one kind of code (Copier tasks, migrations, Jinja extensions; Cookiecutter hooks and
extensions), found by ``code_routes`` and refused by ``require_trust`` unless trusted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from scaffolder.errors import ScaffolderError, UntrustedTemplateError
from scaffolder.trust import Route, code_routes, copier_settings, require_trust
from tests.thirdparty_templates import tree


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cookiecutter(root: Path, context: Mapping[str, object], files: dict[str, str]) -> Path:
    return tree(root, {"cookiecutter.json": json.dumps(context), **files})


def test_a_plain_copier_template_has_no_routes_and_passes_untrusted(tmp_path: Path) -> None:
    folder = tree(tmp_path, {"copier.yml": "name:\n  type: str\n", "README.md.jinja": "x\n"})
    routes = code_routes(folder, "copier")
    assert routes == []
    require_trust(routes, trusted=False, shown="plain")


def test_a_plain_cookiecutter_template_has_no_routes(tmp_path: Path) -> None:
    folder = cookiecutter(tmp_path, {"name": "x"}, {"{{cookiecutter.name}}/README.md": "x\n"})
    assert code_routes(folder, "cookiecutter") == []


def test_copier_tasks_in_string_and_list_form_are_each_a_route(tmp_path: Path) -> None:
    folder = tree(
        tmp_path,
        {"copier.yml": "_tasks:\n  - git init\n  - [echo, hello world]\n  - command: make it\n"},
    )
    routes = code_routes(folder, "copier")
    assert [(r.kind, r.what) for r in routes] == [
        ("copier task", "git init"),
        ("copier task", "echo hello world"),
        ("copier task", "make it"),
    ]
    assert [r.sha256 for r in routes] == [sha("git init"), sha("echo hello world"), sha("make it")]
    assert not any(r.renders for r in routes)


def test_a_single_copier_task_not_in_a_list_is_a_route(tmp_path: Path) -> None:
    folder = tree(tmp_path, {"copier.yml": "_tasks: ./setup.sh\n"})
    assert [r.what for r in code_routes(folder, "copier")] == ["./setup.sh"]


def test_a_copier_migration_is_a_route(tmp_path: Path) -> None:
    yml = "_migrations:\n  - version: v2.0.0\n    command: rm old.txt\n"
    folder = tree(tmp_path, {"copier.yml": yml})
    routes = code_routes(folder, "copier")
    assert [(r.kind, r.what, r.sha256) for r in routes] == [
        ("copier migration", "rm old.txt", sha("rm old.txt"))
    ]


def test_a_copier_jinja_extension_shipped_by_the_template_is_named_by_its_file(
    tmp_path: Path,
) -> None:
    code = "from jinja2.ext import Extension\nclass Ctx(Extension):\n    pass\n"
    yml = "_jinja_extensions:\n  - extensions/context.py:Ctx\n  - jinja2_time.TimeExtension\n"
    folder = tree(tmp_path, {"copier.yml": yml, "extensions/context.py": code})
    shipped, installed = code_routes(folder, "copier")
    assert shipped.kind == "copier jinja extension"
    assert shipped.what == "extensions/context.py:Ctx (extensions/context.py)"
    assert shipped.sha256 == sha(code)
    assert shipped.renders
    assert installed.what == "jinja2_time.TimeExtension (an installed module)"
    assert installed.renders


def test_a_dotted_extension_name_finds_the_templates_own_module(tmp_path: Path) -> None:
    code = "X = 1\n"
    yml = "_jinja_extensions: [myext.filters.Filters]\n"
    folder = tree(tmp_path, {"copier.yml": yml, "myext/filters.py": code})
    (route,) = code_routes(folder, "copier")
    assert route.what == "myext.filters.Filters (myext/filters.py)"
    assert route.sha256 == sha(code)


def test_an_extension_path_outside_the_template_is_not_read(tmp_path: Path) -> None:
    tree(tmp_path, {"outside.py": "secret = 1\n"})
    folder = tree(tmp_path / "tpl", {"copier.yml": "_jinja_extensions: ['../outside.py:X']\n"})
    (route,) = code_routes(folder, "copier")
    assert route.what == "../outside.py:X (an installed module)"
    assert route.sha256 != sha("secret = 1\n")


@pytest.mark.parametrize("hook", ["pre_prompt", "pre_gen_project", "post_gen_project"])
def test_each_cookiecutter_hook_script_is_a_route(tmp_path: Path, hook: str) -> None:
    script = f"#!/bin/sh\necho {hook}\n"
    folder = cookiecutter(tmp_path, {"name": "x"}, {f"hooks/{hook}.sh": script})
    routes = code_routes(folder, "cookiecutter")
    assert routes == [Route(f"cookiecutter {hook} hook", f"hooks/{hook}.sh", sha(script))]


def test_files_in_hooks_that_cookiecutter_does_not_run_are_not_routes(tmp_path: Path) -> None:
    files = {
        "hooks/post_gen_project.py": "print(1)\n",
        "hooks/post_gen_project.py~": "backup\n",
        "hooks/helpers.py": "x = 1\n",
        "hooks/README.md": "notes\n",
    }
    folder = cookiecutter(tmp_path, {"name": "x"}, files)
    assert [r.what for r in code_routes(folder, "cookiecutter")] == ["hooks/post_gen_project.py"]


def test_a_cookiecutter_local_extension_is_a_route_named_or_not(tmp_path: Path) -> None:
    code = "from jinja2.ext import Extension\n"
    context = {"name": "x", "_extensions": ["local_extensions.Mine"]}
    folder = cookiecutter(tmp_path / "named", context, {"local_extensions.py": code})
    routes = code_routes(folder, "cookiecutter")
    assert routes[0] == Route(
        "cookiecutter extension", "local_extensions.Mine (local_extensions.py)", sha(code), True
    )
    assert all(r.sha256 == sha(code) for r in routes)
    unnamed = cookiecutter(tmp_path / "unnamed", {"name": "x"}, {"local_extensions.py": code})
    assert code_routes(unnamed, "cookiecutter") == [
        Route("cookiecutter local extension", "local_extensions.py", sha(code), True)
    ]


def test_a_local_extensions_package_lists_each_of_its_modules(tmp_path: Path) -> None:
    files = {"local_extensions/__init__.py": "", "local_extensions/filters.py": "F = 1\n"}
    folder = cookiecutter(tmp_path, {"name": "x"}, files)
    assert [r.what for r in code_routes(folder, "cookiecutter")] == [
        "local_extensions/__init__.py",
        "local_extensions/filters.py",
    ]


def test_untrusted_routes_are_refused_naming_the_code_and_the_fix(tmp_path: Path) -> None:
    folder = tree(tmp_path, {"copier.yml": "_tasks: ['touch /tmp/owned']\n"})
    routes = code_routes(folder, "copier")
    with pytest.raises(UntrustedTemplateError) as caught:
        require_trust(routes, trusted=False, shown="gh:someone/tpl")
    message = caught.value.message
    assert isinstance(caught.value, ScaffolderError)
    first, *listing = message.splitlines()
    assert "gh:someone/tpl" in first
    assert "--trust" in first
    assert "nothing was written" in first
    assert listing == [f"  copier task: touch /tmp/owned (sha256 {sha('touch /tmp/owned')})"]


def test_trusted_routes_pass(tmp_path: Path) -> None:
    folder = cookiecutter(tmp_path, {"name": "x"}, {"hooks/pre_gen_project.sh": "exit 0\n"})
    routes = code_routes(folder, "cookiecutter")
    assert routes
    require_trust(routes, trusted=True, shown="tpl")


def test_the_digest_follows_the_code(tmp_path: Path) -> None:
    folder = cookiecutter(tmp_path, {"name": "x"}, {"hooks/post_gen_project.sh": "echo a\n"})
    (before,) = code_routes(folder, "cookiecutter")
    (folder / "hooks/post_gen_project.sh").write_text("echo b\n")
    (after,) = code_routes(folder, "cookiecutter")
    assert before.what == after.what
    assert before.sha256 != after.sha256
    assert after.sha256 == sha("echo b\n")


def test_copier_yaml_with_custom_tags_and_several_documents_is_read(tmp_path: Path) -> None:
    yml = "---\nname: !include shared/name.yml\n---\n_tasks: !env [a, b]\nmore: !x {k: v}\n"
    folder = tree(tmp_path, {"copier.yaml": yml})
    assert copier_settings(folder) == {
        "name": "shared/name.yml",
        "_tasks": ["a", "b"],
        "more": {"k": "v"},
    }
    assert [r.what for r in code_routes(folder, "copier")] == ["a", "b"]


def test_broken_settings_files_fail_with_a_one_line_error(tmp_path: Path) -> None:
    folder = tree(tmp_path / "copier", {"copier.yml": "a: [unclosed\n"})
    with pytest.raises(ScaffolderError, match=r"copier\.yml is not valid YAML") as caught:
        copier_settings(folder)
    assert "\n" not in caught.value.message
    bad = tree(tmp_path / "cc", {"cookiecutter.json": "{not json"})
    with pytest.raises(ScaffolderError, match=r"cookiecutter\.json is not valid JSON"):
        code_routes(bad, "cookiecutter")
    assert copier_settings(tmp_path / "cc") == {}


def test_a_local_extension_named_in_extensions_is_listed_once(tmp_path: Path) -> None:
    context = {"name": "x", "_extensions": ["local_extensions.Mine"]}
    folder = cookiecutter(tmp_path, context, {"local_extensions.py": "X = 1\n"})
    assert [r.kind for r in code_routes(folder, "cookiecutter")] == ["cookiecutter extension"]
