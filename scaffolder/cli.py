"""The ``scaffold`` command line: a Typer adapter. It parses, calls one core function, prints.

Decisions live in the core modules; this file maps their results and errors to output and exit
codes (see :mod:`scaffolder.errors`). Heavy imports happen inside commands so that
``scaffold --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec

import typer

from scaffolder import __version__
from scaffolder.errors import (
    EXIT_CONFLICTS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_UPDATE_AVAILABLE,
    InvalidAnswersError,
    ScaffolderError,
)

app = typer.Typer(
    name="scaffold",
    help="Portfolio repositories for data and ML roles: green on arrival, kept up to date.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
P = ParamSpec("P")


def _guarded(command: Callable[P, None]) -> Callable[P, None]:
    """Map the outcome of a command to output and an exit code; never show a traceback.

    Expected errors print their one line (exit 1, or the error's own code); Ctrl-C exits 130;
    anything unexpected prints a short notice and leaves the traceback in a log file (exit 70).
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except ScaffolderError as exc:
            for line in exc.details:
                _err(f"  {line}")
            _err(f"error: {exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted: nothing was left half-written")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except typer.Exit:
            raise
        except Exception as exc:
            raise typer.Exit(_internal_error(exc)) from None

    return run


def _complete_role(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of --role: the roles, each with its title."""
    from scaffolder.roles import list_roles

    return [(r.name, r.title) for r in list_roles() if r.name.startswith(incomplete)]


def _complete_answer(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of --data: for new, the role given so far; for update, the project's."""
    if ctx.command.name == "update":
        from scaffolder.update import answer_completions

        # While completing, Click leaves a PATH typed before the option in ctx.args.
        project = ctx.args[0] if ctx.args else ctx.params.get("path") or "."
        return answer_completions(Path(project), incomplete)
    from scaffolder.answers_input import completions

    return completions(ctx.params.get("role"), incomplete)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Portfolio repositories for data and ML roles: green on arrival, kept up to date."""


@app.command()
@_guarded
def roles(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List the roles: what you build, the skills it proves, the stack."""
    from scaffolder.roles import list_roles

    found = list_roles()
    if as_json:
        typer.echo(json.dumps([role.as_json() for role in found], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    # One role per block, a label and its text side by side: the text column stays wide enough
    # at 80 columns that rich wraps between words instead of splitting them.
    listing = Table.grid(padding=(0, 2))
    listing.add_column(style="bold", no_wrap=True)
    listing.add_column()
    for index, role in enumerate(found):
        if index:
            listing.add_row("", "")
        listing.add_row(role.name, f"[bold]{role.title}.[/bold] {role.summary}")
        listing.add_row("  example", role.example)
        listing.add_row("  proves", ", ".join(role.skills))
        listing.add_row("  stack", ", ".join(role.stack))
    console = Console()
    with console.capture() as captured:
        console.print(listing)
    lines = (line.rstrip() for line in captured.get().splitlines())  # no padding at line ends
    typer.echo("Generate one with: scaffold new DEST --role ROLE\n\n" + "\n".join(lines))


@app.command()
@_guarded
def new(
    dest: Annotated[
        Path, typer.Argument(help="Folder to create (must not exist, or be empty).")
    ] = Path(),
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            "-r",
            help="Role template (see: scaffold roles).",
            autocompletion=_complete_role,
        ),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Do not prompt: take defaults for what is not given.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="An answer as key=value (repeatable).",
            autocompletion=_complete_answer,
        ),
    ] = None,
    data_file: Annotated[
        Path | None, typer.Option("--data-file", help="A YAML file of answers (key: value).")
    ] = None,
    pretend: Annotated[
        bool, typer.Option("--pretend", help="Show what would be written; write nothing.")
    ] = False,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Skip git init and the first commit.")
    ] = False,
    setup: Annotated[
        bool, typer.Option("--setup", help="Then install the environment and git hooks.")
    ] = False,
    template: Annotated[
        str | None,
        typer.Option(
            "--template", "-t", help="A Copier or Cookiecutter template: a folder or git repo."
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option("--vcs-ref", help="--template's tag, branch or commit (default: newest tag)."),
    ] = None,
    directory: Annotated[
        str | None, typer.Option("--directory", help="--template's folder holding the template.")
    ] = None,
    engine: Annotated[
        Literal["copier", "cookiecutter"] | None,
        typer.Option("--engine", help="Engine for a --template that has both kinds."),
    ] = None,
    trust: Annotated[
        bool, typer.Option("--trust", help="Let --template run its hooks, tasks and extensions.")
    ] = False,
) -> None:
    """Create a new repository from a role's template, or from any Copier or Cookiecutter
    template (--template)."""
    from scaffolder.answers_input import collect_answers

    if pretend and setup:
        raise InvalidAnswersError("--pretend writes nothing for --setup to install; drop one")
    if template is None and (vcs_ref or directory or engine or trust):
        raise InvalidAnswersError(
            "--vcs-ref, --directory, --engine and --trust go with --template SRC; add it"
        )
    if template is not None and role is not None:
        raise InvalidAnswersError("give --role or --template, not both")
    answers = collect_answers(data or [], data_file)
    interactive = not defaults and sys.stdin.isatty()
    if not defaults and not interactive:
        raise InvalidAnswersError(
            "no terminal to ask questions on; pass --defaults (with --role and any "
            "--data key=value) to answer without prompts"
        )
    if template is not None:
        from scaffolder.thirdparty import new_from_template

        made = new_from_template(
            dest, template=template, vcs_ref=vcs_ref, directory=directory, engine=engine,
            data=answers, interactive=interactive, pretend=pretend, git=not no_git, trust=trust,
        )  # fmt: skip
    else:
        from scaffolder.generate import generate

        made = generate(
            dest, role=role, data=answers, interactive=interactive, pretend=pretend, git=not no_git
        )
    _notes(made.notes)
    if made.pretend and template is not None:
        for name in made.files:
            typer.echo(name)
        _err(f"pretend: nothing was written; {made.dest} would hold the {made.role}")
        return
    if made.pretend:
        _err(f"pretend: nothing was written; {made.dest} would hold the {made.role} template")
        return
    commit = " and committed them" if made.committed else ""
    kind = made.role if template is not None else f"{made.role} template"
    typer.echo(f"Created {made.dest}: {len(made.files)} files from the {kind}{commit}.")
    from scaffolder.setup_env import next_step

    if setup:
        _setup(made.dest, commit_as=made.author, role=template is None)
    step = next_step(made.dest, set_up=setup, role=template is None)
    where = f"cd {_shown(made.dest)}"
    typer.echo(
        f"Next: {where} && {step}"
        if step
        else f"Next: {where} (scaffold update brings template changes)"
    )


@app.command()
@_guarded
def update(
    path: Annotated[Path, typer.Argument(help="The generated project.")] = Path(),
    to: Annotated[
        str | None, typer.Option("--to", help="Template version (default: this scaffolder's).")
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Change an answer: key=value (repeatable).",
            autocompletion=_complete_answer,
        ),
    ] = None,
    conflict: Annotated[
        Literal["inline", "rej"],
        typer.Option("--conflict", help="Mark conflicts inline, or write .rej files."),
    ] = "inline",
    pretend: Annotated[
        bool, typer.Option("--pretend", help="Show what would change; change nothing.")
    ] = False,
    trust: Annotated[
        bool,
        typer.Option("--trust", help="Let a --template project's Jinja extensions load."),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help="A --template project's template, moved: folder or URL."),
    ] = None,
    verify: Annotated[
        bool | None,
        typer.Option(
            "--verify/--no-verify",
            help="Run the project's check on the result first; apply only if it passes "
            "(default: the project's [tool.scaffolder] verify setting).",
        ),
    ] = None,
    verify_command: Annotated[
        str | None,
        typer.Option("--verify-command", help="The check --verify runs (default: make check)."),
    ] = None,
) -> None:
    """Bring template improvements into a generated repository, keeping your changes."""
    from scaffolder.answers_input import parse_pairs
    from scaffolder.update import update as update_project

    changes = parse_pairs(data or [])
    result = update_project(
        path, to=to, data=changes, conflict=conflict, pretend=pretend, trust=trust, source=source,
        verify=verify, verify_command=verify_command,
    )  # fmt: skip
    _notes(result.notes)
    if result.up_to_date:
        typer.echo(f"{result.project} is up to date (template {result.to_version}).")
        return
    versions = (
        f"from template {result.from_version} to {result.to_version}"
        if result.to_version != result.from_version
        else f"at template {result.to_version}"
    )
    if result.new_answers:
        versions += " with " + " ".join(
            f"{k}={_shown_answer(v)}" for k, v in result.new_answers.items()
        )
    if result.pretend:
        typer.echo(f"pretend: would update {versions}.")
        return
    typer.echo(
        f"Updated {result.project} {versions}: "
        f"{len(result.changed)} files changed. Review with git diff, then commit."
    )
    if result.dependencies_changed:
        typer.echo(
            "pyproject.toml changed: run make setup (uv lock and sync) before you commit, "
            "so the hooks and tests see the new dependencies."
        )
    if result.conflicts:
        for name in result.conflicts:
            typer.echo(f"conflict: {name}")
        count = len(result.conflicts)
        _err(
            f"{count} conflict{'s' if count > 1 else ''}: resolve the marked files, then commit "
            "(the pre-commit hook refuses unresolved markers)"
        )
        raise typer.Exit(EXIT_CONFLICTS)


@app.command()
@_guarded
def check(
    path: Annotated[Path, typer.Argument(help="The generated project.")] = Path(),
    source: Annotated[
        str | None,
        typer.Option("--source", help="A --template project's template, moved: folder or URL."),
    ] = None,
) -> None:
    """Is this repository behind its template? Exit 0: no, 4: yes (3: conflicts left, 5: bad
    answers file, 6: made by a newer scaffolder)."""
    from scaffolder.update import status

    state = status(path, source=source)
    _notes(state.notes)
    if state.up_to_date:
        typer.echo(f"up to date: template {state.current}")
        return
    typer.echo(f"update available: template {state.current} -> {state.latest} (scaffold update)")
    raise typer.Exit(EXIT_UPDATE_AVAILABLE)


@app.command("update-pr")
@_guarded
def update_pr(
    path: Annotated[Path, typer.Argument(help="The generated project.")] = Path(),
    remote: Annotated[str, typer.Option("--remote", help="The git remote to push to.")] = "origin",
    source: Annotated[
        str | None,
        typer.Option("--source", help="A --template project's template, moved: folder or URL."),
    ] = None,
    init: Annotated[
        bool,
        typer.Option(
            "--init", help="Write the weekly workflow that runs this (a --template project's)."
        ),
    ] = False,
    trust: Annotated[
        bool,
        typer.Option("--trust", help="Let a --template project's Jinja extensions load."),
    ] = False,
) -> None:
    """Open or refresh one pull request with the template update (for CI: needs gh)."""
    from scaffolder.pullrequest import update_pr as run_update_pr
    from scaffolder.pullrequest import write_workflow

    if init:
        if source is not None or remote != "origin" or trust:
            raise InvalidAnswersError("--init takes only PATH; drop --remote, --source and --trust")
        written = write_workflow(path)
        typer.echo(
            f"Wrote {written}: commit and push it; it opens a pull request when the template "
            "has a newer version."
        )
        return
    made = run_update_pr(path, remote=remote, source=source, trust=trust)
    _notes(made.notes)
    if made.action == "none":
        typer.echo(f"up to date: template {made.current}; no pull request needed")
        return
    if made.action == "left":
        return
    pushed = f"pushed {made.branch}" if made.pushed else f"{made.branch} unchanged"
    typer.echo(
        f"{made.action.capitalize()} pull request {made.url}: template {made.current} -> "
        f"{made.latest} ({pushed})"
    )
    for name in made.conflicts:
        typer.echo(f"conflict: {name}")
    for name in made.held_back:
        typer.echo(f"in the description as a patch: {name}")


@app.command()
@_guarded
def showcase(
    path: Annotated[Path, typer.Argument(help="The generated repository.")] = Path(),
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 7 if evidence or what is written from it is stale."
        ),
    ] = False,
    allow_stale: Annotated[
        bool,
        typer.Option("--allow-stale", help="Publish stale evidence, marked stale where it shows."),
    ] = False,
) -> None:
    """Write the README's results, a static page (site/) and a social card from the evidence."""
    from scaffolder.showcase import showcase as run_showcase

    report = run_showcase(path, check=check, allow_stale=allow_stale)
    label = "stale" if check else "error" if report.refused else "warning"
    for problem in report.problems:
        _err(f"{label}: {problem}")
    if report.refused:
        if report.stale_allowed:
            _err(
                "Nothing written. Run the make targets named above, or publish it marked "
                "stale: scaffold showcase --allow-stale"
            )
        raise typer.Exit(report.exit_code)
    if check:
        if report.problems:
            raise typer.Exit(report.exit_code)
        typer.echo("showcase is up to date: evidence fresh, README region and site/ as written")
        return
    if report.written:
        typer.echo(f"Wrote {', '.join(report.written)}. Review with git diff, then commit.")
    else:
        typer.echo("Nothing to write: README region and site/ already match the evidence.")


def _setup(project: Path, *, commit_as: tuple[str, str] | None, role: bool) -> None:
    from rich.console import Console

    from scaffolder.setup_env import setup_command, setup_project

    console = Console(stderr=True)
    shown = " ".join(setup_command(project) or ["setup"])
    with console.status(f"Setting up: {shown}") as progress:
        committed = setup_project(
            project,
            commit_as=commit_as,
            on_line=lambda line: progress.update(f"{shown}: {line[:70]}"),
        )
    what = "Environment and git hooks installed" if role else f"Set up ({shown})"
    _err(what + (f", {', '.join(committed)} committed." if committed else "."))


def _shown(path: Path) -> str:
    """``path`` as the user would type it: relative when below the working folder, quoted."""
    import shlex

    try:
        shown = str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        shown = str(path)
    return shlex.quote(shown)


def _shown_answer(value: Any) -> str:
    """An answer as it is typed after --data: yes/no as true/false."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _notes(notes: list[str]) -> None:
    for note in notes:
        _err(f"warning: {note}")


def _err(message: str) -> None:
    typer.echo(message, err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point (``scaffold`` and ``python -m scaffolder``)."""
    app(args=argv, prog_name="scaffold")


def _internal_error(exc: Exception) -> int:
    import tempfile
    import traceback

    log = Path(tempfile.mkstemp(prefix="scaffold-crash-", suffix=".log")[1])
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    _err(f"internal error: {type(exc).__name__}: {exc}; details in {log}; please report it")
    return EXIT_INTERNAL
