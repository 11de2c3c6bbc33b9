"""The Jinja extension the bundled templates load (``_jinja_extensions`` in templates/copier.yml).

Templates of every released version name this import path, and ``scaffold update`` renders old
versions too, so the path ``scaffolder.template_ext.ScaffolderExtension`` must never change.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2.ext import Extension

from scaffolder import naming


def toml_string(value: str) -> str:
    """A TOML basic string (JSON string syntax is a subset), keeping non-ASCII letters readable."""
    return json.dumps(value, ensure_ascii=False)


class ScaffolderExtension(Extension):
    """Filters: ``package_name``, ``dist_name``, ``data_seed``, answer validators and
    ``toml_string``."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.filters.update(
            package_name=naming.package_name,
            dist_name=naming.dist_name,
            project_name_error=naming.project_name_error,
            package_name_error=naming.package_name_error,
            email_error=naming.email_error,
            github_user_error=naming.github_user_error,
            url_error=naming.url_error,
            linkedin_error=naming.linkedin_error,
            data_seed=naming.data_seed,
            toml_string=toml_string,
        )
