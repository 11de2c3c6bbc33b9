"""Values as a reader reads them: no Python booleans, raw floats, snake_case or dotted keys.

A manifest may give a Python format spec (``",.0f"``, ``".1%"``, ``"+,.0f"``) or ``yes/no``;
without one, a value is written by :func:`humanize`: integers with thousands separators,
decimals to three significant digits (never in ``e`` notation), booleans as yes or no.
"""

from __future__ import annotations

import math
import re
from typing import Any

THIN = "\u2009"
YES_NO = "yes/no"
_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)
# Column-name suffixes that are units: `p99_ms` is "p99" in ms.
_UNITS = {
    "ms": "ms",
    "s": "s",
    "seconds": "s",
    "min": "min",
    "pct": "%",
    "percent": "%",
    "eur": "EUR",
    "usd": "USD",
    "mb": "MB",
    "gb": "GB",
    "x": "x",
}
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


class FormatError(ValueError):
    """A value the format spec cannot write."""


def number(value: Any) -> float | None:
    """``value`` as a number if it is one (or text of one), else None; booleans are not."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "")) if value.strip() else None
        except ValueError:
            return None
    return None


def humanize(value: Any) -> str:
    """``value`` written for a reader, with no format given."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return "yes" if _BOOLEANS[value.strip().lower()] else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(humanize(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{label(str(k))} {humanize(v)}" for k, v in value.items())
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value)):
        return f"{int(value):,}"
    amount = number(value)
    if amount is None:
        return str(value)
    return _decimal(amount)


def _decimal(amount: float) -> str:
    if not math.isfinite(amount):
        return str(amount)
    if amount == 0:
        return "0"
    size = abs(amount)
    if size >= 1000:
        return f"{amount:,.0f}"
    if size >= 1e-3:  # four significant digits at most, trailing zeros dropped
        places = max(0, 3 - math.floor(math.log10(size)))
        text = f"{amount:,.{places}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = f"{amount:.1e}".split("e")
    return f"{mantissa}{THIN}\u00d7{THIN}10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def formatted(value: Any, spec: str = "", unit: str = "") -> str:
    """``value`` in ``spec`` (a Python format spec, or ``yes/no``) with its unit."""
    if spec == YES_NO:
        flag = value if isinstance(value, bool) else _BOOLEANS.get(str(value).strip().lower())
        if flag is None:
            raise FormatError(f"{value!r} is not yes or no")
        text = "yes" if flag else "no"
    elif spec:
        amount = number(value)
        if amount is None:
            raise FormatError(f"{value!r} is not a number")
        as_int = amount.is_integer() and not re.search(r"[eEfFgG%]", spec)
        try:
            text = format(int(amount) if as_int else amount, spec)
        except ValueError as exc:
            raise FormatError(str(exc)) from exc
    else:
        text = humanize(value)
    return f"{text}{THIN}{unit}" if unit else text


def label(name: str) -> str:
    """A column or key name as words: ``mean_pickup_min`` is "Mean pickup" (unit "min")."""
    return split_label(name)[0]


def split_label(name: str) -> tuple[str, str]:
    """``(words, unit)`` for a snake_case or dotted name; the unit from its last part."""
    last = name.rsplit(".", 1)[-1]
    parts = [p for p in re.split(r"[_\s]+", last) if p]
    unit = ""
    if len(parts) > 1 and parts[-1].lower() in _UNITS:
        unit = _UNITS[parts.pop().lower()]
    words = " ".join(parts) or last
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", words)  # camelCase too
    return words[:1].upper() + words[1:], unit
