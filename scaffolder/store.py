"""Where the bundled templates live at run time, which version they are, and their history.

Two layouts are supported:

- an installed wheel: ``scaffolder/templates/`` (the current templates, read directly) and
  ``scaffolder/templates.bundle`` (every released version, built by ``hatch_build.py``);
- a source checkout (editable install, tests): ``templates/`` beside the package; the history
  bundle is built on first use from the checkout's release record (``releases.toml``) and
  cached by content.

Generated projects never record where either lives: their answers file names the templates by
:data:`CANONICAL_URL`, which git is told to read from this store's bundle (``url.insteadOf``).
That is what lets ``scaffold update`` work after the virtual environment moved or on another
machine.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path

from scaffolder import __version__
from scaffolder.errors import TemplateError

CANONICAL_URL = "scaffolder:templates.git"
BUNDLE_NAME = "templates.bundle"
CACHE_ENV = "SCAFFOLDER_CACHE_DIR"


class TemplateStore:
    """The templates of one scaffolder installation (or of one source checkout)."""

    def __init__(
        self,
        templates_dir: Path,
        version: str,
        *,
        bundle: Path | None = None,
        source_root: Path | None = None,
    ) -> None:
        if bundle is None and source_root is None:
            raise ValueError("a store needs a history bundle or a source checkout to build one")
        self.templates_dir = templates_dir
        self.version = version
        self._bundle = bundle
        self._source_root = source_root

    @classmethod
    def installed(cls) -> TemplateStore:
        """The store of this installation: the wheel's files, or the source checkout's."""
        package = Path(__file__).resolve().parent
        shipped = package / BUNDLE_NAME
        if shipped.is_file() and (package / "templates").is_dir():
            return cls(package / "templates", __version__, bundle=shipped)
        return cls.from_source(package.parent)

    @classmethod
    def from_source(cls, source_root: Path, version: str | None = None) -> TemplateStore:
        """The store of a scaffolder source checkout at ``source_root``."""
        if version is None:
            version = _read_version(source_root / "scaffolder" / "__init__.py")
        templates = source_root / "templates"
        if not (templates / "copier.yml").is_file():
            raise TemplateError(
                f"no templates found in {source_root}; reinstall scaffolder "
                "(pip install --force-reinstall scaffold-portfolio)"
            )
        return cls(templates, version, source_root=source_root)

    @cached_property
    def bundle(self) -> Path:
        """The git bundle holding every template version, building it if this is a checkout."""
        if self._bundle is not None:
            return self._bundle
        assert self._source_root is not None  # guaranteed by __init__
        from scaffolder import history

        cache = cache_dir() / "history"
        target = cache / f"{self._content_key()}.bundle"
        if not target.is_file():
            partial = cache / f".{target.name}.{os.getpid()}.partial"
            history.build_bundle(self._source_root, self.version, partial)
            partial.replace(target)
        return target

    def git_config(self) -> dict[str, str]:
        """git settings that make :data:`CANONICAL_URL` read this store's bundle."""
        return {f"url.{self.bundle}.insteadOf": CANONICAL_URL}

    def _content_key(self) -> str:
        """Changes whenever the templates, the recorded releases or the version change."""
        assert self._source_root is not None
        from scaffolder import history

        digest = hashlib.sha256(self.version.encode())
        for version, commit in sorted(history.released_versions(self._source_root).items()):
            digest.update(f"{version}={commit}\0".encode())
        for path in sorted(self.templates_dir.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(self.templates_dir).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()[:24]


def cache_dir() -> Path:
    """Where scaffolder keeps what it can rebuild: the template history, cloned templates."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("scaffolder", appauthor=False))


def _read_version(init_file: Path) -> str:
    for line in init_file.read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise TemplateError(f"no __version__ in {init_file}")
