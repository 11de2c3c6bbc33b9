"""The machine a measurement ran on, as a benchmark table states it beside its numbers."""

from __future__ import annotations

import os


def load_average() -> float | None:
    """The 1-minute load average (None where the OS has none, as on Windows)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None
