"""Errors the user can act on. Each carries the one line the command line prints.

Exit codes are part of the interface (scripts and CI read them), so they live here, once.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CONFLICTS = 3
EXIT_UPDATE_AVAILABLE = 4
EXIT_ANSWERS_UNSOUND = 5
EXIT_PROJECT_AHEAD = 6
EXIT_SHOWCASE_STALE = 7
EXIT_VERIFY_FAILED = 8
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class ScaffolderError(Exception):
    """An expected failure: ``message`` says what is wrong and what to do; ``details`` (shown
    before it) are what a command it ran said."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidNameError(ScaffolderError):
    """A project or package name that cannot be used."""


class UnknownRoleError(ScaffolderError):
    """A role the templates do not offer."""


class InvalidAnswersError(ScaffolderError):
    """Answers given with --data or --data-file that cannot be used."""


class DestinationError(ScaffolderError):
    """A destination folder that would overwrite something of the user's."""


class GitError(ScaffolderError):
    """git is missing, or a git precondition (repository, clean tree) does not hold.

    ``said`` is git's own last line, when git ran and failed.
    """

    def __init__(self, message: str, said: str = "") -> None:
        super().__init__(message)
        self.said = said


class UnresolvedConflictsError(GitError):
    """The last update's conflicts are still in the project (markers, unmerged files, .rej)."""

    exit_code = EXIT_CONFLICTS


class VerifyFailedError(ScaffolderError):
    """``update --verify``: the updated project failed its own check; nothing was changed."""

    exit_code = EXIT_VERIFY_FAILED


class ProjectAheadError(ScaffolderError):
    """The project was made or updated by a newer scaffolder than this one."""

    exit_code = EXIT_PROJECT_AHEAD


class DiskFullError(ScaffolderError):
    """The disk (or the user's quota) is full."""


class AnswersFileError(ScaffolderError):
    """A generated project's answers file is missing or unsound."""

    exit_code = EXIT_ANSWERS_UNSOUND


class TemplateError(ScaffolderError):
    """The template store or a template itself is broken."""


class SourceError(ScaffolderError):
    """A third-party template source that cannot be found, read or rendered."""


class UntrustedTemplateError(ScaffolderError):
    """A template that would run code, used without ``--trust``."""


class ReleaseRecordError(TemplateError):
    """The release record (releases.toml) or the history it names cannot build the bundle."""


# What the disk being full looks like: an OSError's errno, or the words git prints for it.
_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
DISK_FULL_WORDS = ("No space left on device", "Disk quota exceeded")


def disk_full(detail: str = "No space left on device") -> DiskFullError:
    return DiskFullError(
        f"the disk is full ({detail}); free some space and run the command again "
        "(nothing was left behind)"
    )


@contextmanager
def disk_full_reported() -> Iterator[None]:
    """Turn a full disk, wherever it strikes, into a :class:`DiskFullError`."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _DISK_FULL_ERRNOS:
            raise
        detail = exc.strerror or "No space left on device"
        raise disk_full(f"{detail}: {exc.filename}" if exc.filename else detail) from exc


class ShowcaseError(ScaffolderError):
    """A showcase manifest or a piece of evidence that cannot be used as it is."""


class ShowcaseStaleError(ShowcaseError):
    """Evidence that is missing, malformed, stale or edited by hand (``scaffold showcase``)."""

    exit_code = EXIT_SHOWCASE_STALE
