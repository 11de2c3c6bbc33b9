"""Copier: third-party Copier templates (:class:`CopierEngine`) and the built-in roles'
templates, rendered from the bundle at a released version (:func:`render_bundled`).

Everything goes through Copier's public ``run_copy`` (an update is two renders and scaffolder's
own merge, for every template) with explicit settings, so a user's
``~/.config/copier/settings.yml`` cannot change what scaffolder does.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffolder.engines import Origin, Rendered, RenderRequest, render_message
from scaffolder.errors import DISK_FULL_WORDS, ScaffolderError, disk_full
from scaffolder.sources import EngineName
from scaffolder.store import CANONICAL_URL, TemplateStore
from scaffolder.trust import copier_settings

# How Copier words an answer its question's validator refused (a plain ValueError).
COPIER_VALIDATION_ERROR = "Validation error for question "


class CopierEngine:
    name: EngineName = "copier"

    def questions(self, template: Path) -> list[str]:
        return sorted(k for k in copier_settings(template) if not str(k).startswith("_"))

    def render(self, template: Path, out: Path, request: RenderRequest) -> Rendered:
        from copier import Settings, run_copy

        try:
            worker = _call(
                run_copy,
                str(template),
                out,
                data=dict(request.data),
                defaults=not request.interactive,
                settings=Settings(),
                unsafe=request.hooks or request.extensions,
                skip_tasks=not request.hooks,
                quiet=True,
                cleanup_on_error=False,  # the caller owns out
            )
        except Exception as exc:
            from copier.errors import TaskError
            from jinja2 import TemplateError

            task = exc.__cause__ if isinstance(exc.__cause__, TaskError) else exc
            if isinstance(task, TaskError):
                missing = "; a command it runs is not installed" if task.returncode == 127 else ""
                raise ScaffolderError(
                    f"the template's task {task.cmd!r} failed (exit status {task.returncode}"
                    f"{missing}); its own output is above, and nothing was written"
                ) from exc
            if not isinstance(exc, ScaffolderError | TemplateError):
                raise
            raise ScaffolderError(render_message(exc)) from exc
        questions = worker.template.questions_data
        answers = {
            key: value
            for key, value in worker.answers.combined.items()
            if key in questions
            and not str(key).startswith("_")
            and not (isinstance(questions[key], dict) and questions[key].get("secret"))
        }
        _stamp_copier_answers(out / worker.answers_relpath, request.origin)
        return Rendered(project=out, answers=json.loads(json.dumps(answers, default=str)))


def _stamp_copier_answers(path: Path, origin: Origin) -> None:
    """Name the real source in Copier's answers file, not the throwaway checkout it rendered."""
    if not path.is_file():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    stamped = {"_src_path": origin.source, "_commit": origin.ref}
    kept = [line for line in lines if line.split(":", 1)[0] not in stamped]
    added = [f"{key}: {json.dumps(value)}\n" for key, value in stamped.items() if value]
    at = next((i for i, line in enumerate(kept) if not line.startswith("#")), len(kept))
    path.write_text("".join(kept[:at] + added + kept[at:]), encoding="utf-8")


def render_bundled(
    store: TemplateStore,
    dest: Path,
    *,
    data: Mapping[str, Any],
    user_defaults: Mapping[str, Any],
    defaults: bool,
    pretend: bool = False,
    quiet: bool = True,
    version: str | None = None,
) -> dict[str, Any]:
    """Render the roles' template ``version`` (default: the current one) into ``dest``.

    Returns the answers Copier recorded.
    """
    with _copier_session(store):
        from copier import Settings, run_copy

        worker = _call(
            run_copy,
            CANONICAL_URL,
            dest,
            data=dict(data),
            user_defaults=dict(user_defaults),
            defaults=defaults,
            vcs_ref=version or store.version,
            settings=Settings(),
            pretend=pretend,
            quiet=quiet,
            unsafe=True,  # our own bundled templates: they use scaffolder's Jinja extension
            cleanup_on_error=False,  # the caller owns dest and removes it on any failure
        )
        return dict(worker.answers.combined)


def _call(function: Any, *args: Any, **kwargs: Any) -> Any:
    from copier.errors import CopierAnswersInterrupt, CopierError
    from plumbum import ProcessExecutionError

    try:
        return function(*args, **kwargs)
    except CopierAnswersInterrupt:
        raise KeyboardInterrupt from None
    except CopierError as exc:
        raise ScaffolderError(" ".join(str(exc).split()) or type(exc).__name__) from exc
    except ValueError as exc:
        # A template's validator refusing an answer is the one ValueError that is the user's;
        # any other is a bug (ours or Copier's), reported as one.
        if not str(exc).startswith(COPIER_VALIDATION_ERROR):
            raise
        raise ScaffolderError(" ".join(str(exc).split())) from exc
    except ProcessExecutionError as exc:
        # Copier runs git to read the template history; say which git step failed and why.
        detail = (str(exc.stderr).strip().splitlines() or ["no output"])[-1]
        if full := [words for words in DISK_FULL_WORDS if words in detail]:
            raise disk_full(full[0]) from exc
        step = " ".join(str(a) for a in exc.argv[1:3])
        raise ScaffolderError(f"git {step} failed while reading the templates: {detail}") from exc


@contextmanager
def _copier_session(store: TemplateStore) -> Iterator[None]:
    """Point git at the store's bundle and give Copier a private, throwaway clone cache."""
    from plumbum import local

    # core.safecrlf only warns or refuses: under a user's core.autocrlf it would refuse the
    # LF files of the renders Copier commits to compare versions (and convert nothing).
    git_env = _git_config_env({**store.git_config(), "core.safecrlf": "false"}, os.environ)
    with tempfile.TemporaryDirectory(prefix="scaffolder-copier-") as cache:
        saved = os.environ.get("COPIER_CACHE_DIR")
        os.environ["COPIER_CACHE_DIR"] = cache
        try:
            # plumbum, which Copier runs git through, snapshots os.environ at import time.
            with local.env(**git_env):
                yield
        finally:
            if saved is None:
                os.environ.pop("COPIER_CACHE_DIR", None)
            else:
                os.environ["COPIER_CACHE_DIR"] = saved


def _git_config_env(config: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """git's GIT_CONFIG_COUNT/KEY/VALUE variables for ``config``, after any already set."""
    start = int(environ.get("GIT_CONFIG_COUNT", "0") or "0")
    env = {"GIT_CONFIG_COUNT": str(start + len(config))}
    for offset, (key, value) in enumerate(config.items()):
        env[f"GIT_CONFIG_KEY_{start + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{start + offset}"] = value
    return env
