"""Errors the user can act on. Each carries the one line the command line prints.

Exit codes are part of the interface (scripts and CI read them), so they live here, once.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFLICTS = 3
EXIT_UPDATE_AVAILABLE = 4
EXIT_ANSWERS_UNSOUND = 5
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class ScaffolderError(Exception):
    """An expected failure: ``message`` says what is wrong and what to do."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidNameError(ScaffolderError):
    """A project or package name that cannot be used."""


class UnknownRoleError(ScaffolderError):
    """A role the templates do not offer."""


class InvalidAnswersError(ScaffolderError):
    """Answers given with --data or --data-file that cannot be used."""


class DestinationError(ScaffolderError):
    """A destination folder that would overwrite something of the user's."""


class GitError(ScaffolderError):
    """git is missing, or a git precondition (repository, clean tree) does not hold."""


class AnswersFileError(ScaffolderError):
    """A generated project's answers file is missing or unsound."""

    exit_code = EXIT_ANSWERS_UNSOUND


class TemplateError(ScaffolderError):
    """The template store or a template itself is broken."""


class ReleaseRecordError(TemplateError):
    """The release record (releases.toml) or the history it names cannot build the bundle."""
