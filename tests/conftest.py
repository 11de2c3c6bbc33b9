"""Shared fixtures: an isolated git and cache environment, the store, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scaffolder.cli import main
from scaffolder.store import TemplateStore
from tests.projects import UV, SetUp, make_set_up

__all__ = ["UV", "SetUp"]

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A git identity and config that are the suite's own, never the developer's."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(tmp_path_factory.mktemp("home"), monkeypatch)
        yield


def _isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test Author\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_COUNT", raising=False)
    # Every test shares one history-bundle cache, outside the throwaway HOME.
    monkeypatch.setenv("SCAFFOLDER_CACHE_DIR", str(_shared_cache()))


def _shared_cache() -> Path:
    path = Path(os.environ.get("PYTEST_SCAFFOLDER_CACHE", "/tmp/scaffolder-test-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def store() -> TemplateStore:
    return TemplateStore.installed()


@pytest.fixture(scope="session")
def set_up_project(tmp_path_factory: pytest.TempPathFactory, store: TemplateStore) -> SetUp:
    """Each role and variant generated and ``make setup`` once per session, then shared
    (see tests/projects.py)."""
    return make_set_up(tmp_path_factory, store)


@dataclass
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``scaffold ARGS`` in-process through the real entry point; returns a Result."""

    def run(*args: str) -> Result:
        code: object = 0
        try:
            main(list(args))
        except SystemExit as exited:
            code = exited.code
        captured = capsys.readouterr()
        return Result(code=code if isinstance(code, int) else 1, out=captured.out, err=captured.err)

    return run
