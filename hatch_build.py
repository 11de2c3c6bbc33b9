"""Wheel and sdist build hook: ship the template history (every released version) as a bundle.

``scaffold update`` needs the template as it was when a project was generated, so the wheel
carries ``scaffolder/templates.bundle`` beside ``scaffolder/templates/``. It is built from the
releases recorded in ``releases.toml`` plus the templates on disk (see ``scaffolder/history.py``).
An sdist carries the bundle at its root, so a wheel built from the sdist (no git there) keeps the
history.

A build refuses templates that differ from a recorded release of the same version: a release,
once recorded, is what every project made by it was generated from, and cannot change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SDIST_BUNDLE = "templates.bundle"


class TemplateHistoryHook(BuildHookInterface):  # type: ignore[type-arg]  # hatchling's own config type
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # an editable install builds its history from the checkout at run time
        root = Path(self.root)
        shipped = root / SDIST_BUNDLE
        if shipped.is_file() and not (root / ".git").exists():
            bundle = shipped
        else:
            sys.path.insert(0, str(root))
            try:
                from scaffolder.errors import ReleaseRecordError
                from scaffolder.history import build_release_bundle
            finally:
                sys.path.remove(str(root))
            self._tmp = tempfile.TemporaryDirectory(prefix="scaffolder-build-")
            try:
                bundle = build_release_bundle(
                    root, self.metadata.version, Path(self._tmp.name) / SDIST_BUNDLE
                )
            except ReleaseRecordError as exc:
                self._tmp.cleanup()
                raise SystemExit(f"error: {exc.message}") from None
        target = "scaffolder/templates.bundle" if self.target_name == "wheel" else SDIST_BUNDLE
        build_data["force_include"][str(bundle)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
