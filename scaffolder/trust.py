"""The trust gate: the code a third-party template would run, found before anything renders.

Copier runs ``_tasks``, ``_migrations`` and ``_jinja_extensions``; Cookiecutter runs the hooks
``pre_prompt``, ``pre_gen_project`` and ``post_gen_project`` and imports ``_extensions``
(a template's own ``local_extensions.py`` among them). Without ``--trust`` none of it runs:
the command stops before writing anything and lists each route with its sha256, so the user
can read exactly what they are asked to trust.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scaffolder.errors import ScaffolderError, UntrustedTemplateError
from scaffolder.sources import COOKIECUTTER_FILE, COPIER_FILES, EngineName

COOKIECUTTER_HOOKS = ("pre_prompt", "pre_gen_project", "post_gen_project")


@dataclass(frozen=True)
class Route:
    """One piece of template code: what kind, where (a file or a command), its sha256."""

    kind: str
    what: str
    sha256: str
    # Jinja extensions load in every render, hooks and tasks only on ``new``.
    renders: bool = False

    @property
    def line(self) -> str:
        return f"{self.kind}: {self.what} (sha256 {self.sha256})"


def code_routes(folder: Path, engine: EngineName) -> list[Route]:
    """Every route by which the template in ``folder`` would run code."""
    if engine == "copier":
        return _copier_routes(folder)
    return _cookiecutter_routes(folder)


def require_trust(routes: list[Route], trusted: bool, shown: str) -> None:
    """Refuse ``routes`` unless ``trusted``; the message lists each one, a line each."""
    if not routes or trusted:
        return
    listing = "\n".join(f"  {route.line}" for route in routes)
    raise UntrustedTemplateError(
        f"the template {shown} would run code; nothing was written. Read it, then rerun with "
        f"--trust to allow it:\n{listing}"
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_route(kind: str, path: Path, root: Path, *, renders: bool = False) -> Route:
    return Route(kind, path.relative_to(root).as_posix(), _digest(path.read_bytes()), renders)


def _text_route(kind: str, text: str, *, renders: bool = False) -> Route:
    return Route(kind, text, _digest(text.encode()), renders)


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader that reads Copier's own tags (``!include``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("!", _any_tag)


def copier_settings(folder: Path) -> dict[str, Any]:
    """The template's copier.yml (every document merged), or {} when it cannot be read."""
    for name in COPIER_FILES:
        path = folder / name
        if path.is_file():
            try:
                documents = list(yaml.load_all(path.read_text("utf-8"), Loader=_AnyTagLoader))
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise ScaffolderError(f"{path} is not valid YAML: {exc}".split("\n")[0]) from exc
            merged: dict[str, Any] = {}
            for document in documents:
                if isinstance(document, dict):
                    merged.update(document)
            return merged
    return {}


def _copier_routes(folder: Path) -> list[Route]:
    settings = copier_settings(folder)
    routes = []
    for task in _as_list(settings.get("_tasks")):
        routes.append(_text_route("copier task", _command_text(task)))
    for migration in _as_list(settings.get("_migrations")):
        routes.append(_text_route("copier migration", _command_text(migration)))
    for extension in _as_list(settings.get("_jinja_extensions")):
        routes.append(_extension_route("copier jinja extension", str(extension), folder))
    return routes


def _cookiecutter_routes(folder: Path) -> list[Route]:
    routes = []
    hooks = folder / "hooks"
    if hooks.is_dir():
        for path in sorted(hooks.iterdir()):
            stem = path.name.split(".", 1)[0]
            if path.is_file() and stem in COOKIECUTTER_HOOKS and not path.name.endswith("~"):
                routes.append(_file_route(f"cookiecutter {stem} hook", path, folder))
    try:
        context = json.loads((folder / COOKIECUTTER_FILE).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScaffolderError(f"{folder / COOKIECUTTER_FILE} is not valid JSON: {exc}") from exc
    extensions = context.get("_extensions", []) if isinstance(context, dict) else []
    for extension in _as_list(extensions):
        routes.append(_extension_route("cookiecutter extension", str(extension), folder))
    # Importable from the template's root whatever accept_hooks says: code, listed even when
    # _extensions does not name it.
    for local, shown in ((folder / "local_extensions.py", "(local_extensions.py)"),
                         (folder / "local_extensions", "(local_extensions/")):  # fmt: skip
        named = any(shown in r.what for r in routes)  # an extension route names its file
        if local.exists() and not named:
            routes.extend(_module_files("cookiecutter local extension", local, folder))
    return routes


def _extension_route(kind: str, name: str, folder: Path) -> Route:
    """An extension, named by its module: the template's own file when it ships it."""
    module = name.split(":", 1)[0]
    if module.endswith(".py"):
        candidates = [folder / module]
    else:
        base = folder.joinpath(*module.split(".")[:-1]) if "." in module else folder
        top = folder / module.split(".")[0]
        candidates = [base.with_suffix(".py"), base / "__init__.py", top.with_suffix(".py")]
    for path in candidates:
        if path.is_file() and path.resolve().is_relative_to(folder.resolve()):
            digest = _digest(path.read_bytes())
            return Route(kind, f"{name} ({path.relative_to(folder).as_posix()})", digest, True)
    return _text_route(kind, f"{name} (an installed module)", renders=True)


def _module_files(kind: str, path: Path, folder: Path) -> list[Route]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if p.is_file())
    return [_file_route(kind, file, folder, renders=True) for file in files]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _command_text(task: Any) -> str:
    if isinstance(task, dict):
        task = task.get("command", task)
    if isinstance(task, list):
        return " ".join(str(part) for part in task)
    return str(task)
