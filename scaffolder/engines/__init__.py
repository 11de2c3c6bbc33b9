"""The only importers of Copier and Cookiecutter: one interface, two engines.

:class:`TemplateEngine` is all the rest of scaffolder knows of a template engine: its questions,
and a render of one template folder into an empty folder. The same call serves
``scaffold new --template`` (prompts, and with trust the template's hooks or tasks) and the two
renders every update makes (recorded answers, and never a hook or a task: ``hooks=False``).
Jinja extensions load only when ``extensions`` is true, which the trust gate decides.

The built-in roles render through Copier too (:func:`copier_engine.render_bundled`: a released
version from the bundle, by its canonical URL, so Copier writes the answers file the project
keeps). Both libraries are imported lazily: they cost hundreds of milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from scaffolder.errors import ScaffolderError
from scaffolder.sources import EngineName


@dataclass(frozen=True)
class Rendered:
    """A render: the project's folder (inside the folder rendered into) and its answers."""

    project: Path
    answers: dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """What a render says it came from (stable across renders, never a temporary path)."""

    source: str
    ref: str


@dataclass(frozen=True)
class RenderRequest:
    """One render: what it says it came from, the answers, and what may run.

    ``interactive`` prompts for what ``data`` does not answer; ``hooks`` runs the template's
    hooks or tasks and ``extensions`` loads its Jinja extensions (both only with trust; an
    update's renders never run a hook).
    """

    origin: Origin
    data: Mapping[str, Any]
    interactive: bool = False
    hooks: bool = False
    extensions: bool = False


class TemplateEngine(Protocol):
    name: EngineName

    def questions(self, template: Path) -> list[str]:
        """The answer keys the template asks for."""
        ...

    def render(self, template: Path, out: Path, request: RenderRequest) -> Rendered:
        """Render ``template`` into the empty folder ``out``."""
        ...


def get_engine(name: EngineName) -> TemplateEngine:
    if name == "copier":
        from scaffolder.engines.copier_engine import CopierEngine

        return CopierEngine()
    from scaffolder.engines.cookiecutter_engine import CookiecutterEngine

    return CookiecutterEngine()


def render_message(exc: Exception) -> str:
    if isinstance(exc, ScaffolderError):
        return exc.message
    detail = str(exc) or type(exc).__name__
    where = getattr(exc, "name", None) or getattr(exc, "filename", None)
    if where and getattr(exc, "lineno", None):
        detail = f"{where} line {exc.lineno}: {detail}"  # type: ignore[attr-defined]
    return " ".join(f"the template failed to render: {detail}".split())
