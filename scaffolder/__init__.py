"""scaffolder: portfolio repositories for data and ML roles, green on arrival and kept up to date.

The public API is small and lazy, so that ``scaffold --help`` never pays for importing Copier:

- :func:`list_roles` - the roles the bundled templates offer;
- :func:`generate` - render a role's template into a new repository;
- :func:`update` - bring template changes into an existing generated repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

__all__ = ["__version__", "generate", "list_roles", "update"]

if TYPE_CHECKING:
    from scaffolder.generate import generate
    from scaffolder.roles import list_roles
    from scaffolder.update import update


def __getattr__(name: str) -> Any:
    if name == "generate":
        from scaffolder.generate import generate

        return generate
    if name == "list_roles":
        from scaffolder.roles import list_roles

        return list_roles
    if name == "update":
        from scaffolder.update import update

        return update
    raise AttributeError(name)
