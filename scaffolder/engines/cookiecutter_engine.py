"""Cookiecutter: third-party Cookiecutter templates (:class:`CookiecutterEngine`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from scaffolder.engines import Rendered, RenderRequest, render_message
from scaffolder.errors import ScaffolderError
from scaffolder.sources import COOKIECUTTER_FILE, EngineName


class CookiecutterEngine:
    name: EngineName = "cookiecutter"

    def questions(self, template: Path) -> list[str]:
        context = json.loads((template / COOKIECUTTER_FILE).read_text("utf-8"))
        return sorted(k for k in context if not str(k).startswith("_"))

    def render(self, template: Path, out: Path, request: RenderRequest) -> Rendered:
        with _cookiecutter_log() as said:
            try:
                return self._render(template, out, request)
            except ScaffolderError:
                raise
            except Exception as exc:
                from cookiecutter.exceptions import CookiecutterException, FailedHookException
                from jinja2 import TemplateError

                if isinstance(exc, FailedHookException):
                    why = said[-1] if said else "a hook script did not exit successfully"
                    raise ScaffolderError(
                        f"the template's hook failed: {why} ({exc}); its own output is above, "
                        "and nothing was written"
                    ) from exc
                if isinstance(
                    exc, CookiecutterException | TemplateError | ValueError | ImportError
                ):
                    raise ScaffolderError(_cookiecutter_message(exc)) from exc
                raise

    def _render(self, template: Path, out: Path, request: RenderRequest) -> Rendered:
        from cookiecutter.generate import generate_context, generate_files
        from cookiecutter.hooks import run_pre_prompt_hook
        from cookiecutter.prompt import prompt_for_config

        origin, hooks, extensions = request.origin, request.hooks, request.extensions

        repo = Path(run_pre_prompt_hook(str(template))) if hooks else template
        with _template_imports(repo, allowed=extensions):
            context = generate_context(
                context_file=str(repo / COOKIECUTTER_FILE),
                default_context={},
                extra_context=dict(request.data),
            )
            settings = context["cookiecutter"]
            if {"template", "templates"} & set(settings):
                raise ScaffolderError(
                    f"{origin.source} holds several templates; choose one with --directory DIR"
                )
            if not extensions:
                settings.pop("_extensions", None)
            context["_cookiecutter"] = {k: v for k, v in settings.items() if not k.startswith("_")}
            settings.update(prompt_for_config(context, no_input=not request.interactive))
            settings.update(
                _template=origin.source, _output_dir=str(out), _repo_dir=origin.source,
                _checkout=origin.ref or None,
            )  # fmt: skip
            _check_paths(repo, context)
            project = Path(
                generate_files(
                    repo_dir=str(repo), context=context, output_dir=str(out), accept_hooks=hooks
                )
            )
        answers = {k: v for k, v in settings.items() if not k.startswith("_")}
        if project.parent.resolve() != out.resolve():
            raise ScaffolderError(f"the template rendered its project outside {out}; refused")
        return Rendered(project=project, answers=json.loads(json.dumps(answers, default=str)))


def _check_paths(repo: Path, context: dict[str, Any]) -> None:
    """Refuse a render whose file names leave the project (``..``, an absolute path)."""
    from cookiecutter.find import find_template
    from cookiecutter.utils import create_env_with_context

    env = create_env_with_context(context)
    root = Path(find_template(repo, env))
    for path in [root, *sorted(root.rglob("*"))]:
        relative = path.relative_to(repo).as_posix()
        # Cookiecutter joins each rendered name onto its folder: an absolute one replaces it.
        names = [env.from_string(name).render(**context) for name in relative.split("/")]
        if any(_escapes(name) for name in names) or not names[0].strip():
            raise ScaffolderError(
                f"the template would write {'/'.join(names)!r} (from {relative}), outside the "
                "new project; refused, nothing was written"
            )


def _escapes(name: str) -> bool:
    """A rendered file name that leaves its folder: absolute, a drive, or through ``..``."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (bool(parts) and ":" in parts[0])


@contextmanager
def _cookiecutter_log() -> Iterator[list[str]]:
    """Cookiecutter's error log, collected instead of printed (its traceback is not the
    user's): the messages say which hook failed."""
    import logging

    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    logger = logging.getLogger("cookiecutter")
    handler = Collect(logging.ERROR)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


@contextmanager
def _template_imports(repo: Path, *, allowed: bool) -> Iterator[None]:
    """Let the template import its own modules (``local_extensions``) only when ``allowed``;
    forget them afterwards, so the next render (another version) imports its own."""
    before = set(sys.modules)
    if allowed:
        sys.path.insert(0, str(repo))
    try:
        yield
    finally:
        if allowed:
            sys.path.remove(str(repo))
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(repo)):
                del sys.modules[name]


def _cookiecutter_message(exc: Exception) -> str:
    from cookiecutter.exceptions import UndefinedVariableInTemplate

    if isinstance(exc, UndefinedVariableInTemplate):
        exc = exc.error if isinstance(exc.error, Exception) else exc
    return render_message(exc)
