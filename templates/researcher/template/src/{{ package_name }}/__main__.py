"""Entry point for ``python -m``: reproduce the claims and report the comparison."""

from .cli import main

raise SystemExit(main())
