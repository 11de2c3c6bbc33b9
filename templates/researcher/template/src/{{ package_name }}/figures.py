"""The figures, drawn from results files and raw data, each saved as PNG, SVG and PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

# Headless and identical everywhere: no display, no GUI toolkit.
matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .mortality import Fit, Law, Lifespans

FORMATS = ("png", "svg", "pdf")
# Vector files carry no creation date and fixed element ids, so an unchanged figure is
# byte-for-byte unchanged (DVC and git see no change when nothing changed).
_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None},
    "png": {"Software": None},
}
_LAW_STYLE = {Law.GOMPERTZ: "--", Law.WEIBULL: ":"}
_GROUP_TITLES = {"control": "control line", "mir137": "miR-137 line"}


def kaplan_meier(data: Lifespans) -> tuple[np.ndarray, np.ndarray]:
    """Product-limit survival estimate: the days with a death, and survival just after each."""
    days = np.unique(data.days[data.died])
    at_risk = np.array([(data.days >= day).sum() for day in days])
    deaths = np.array([((data.days == day) & data.died).sum() for day in days])
    return days, np.cumprod(1 - deaths / at_risk)


def _strip_trailing_spaces(path: Path) -> None:
    # Matplotlib ends many SVG lines with a space; whitespace is only a separator in SVG, and a
    # clean file passes the trailing-whitespace hook when committed (docs/, for the README).
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rstrip() for line in lines) + "\n", encoding="utf-8")


def save(figure: Figure, directory: Path, stem: str) -> list[Path]:
    """Save one figure in every format; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context({"svg.hashsalt": stem}):
        for extension in FORMATS:
            path = directory / f"{stem}.{extension}"
            figure.savefig(path, dpi=150, metadata=_METADATA[extension])
            if extension == "svg":
                _strip_trailing_spaces(path)
            paths.append(path)
    plt.close(figure)
    return paths


def mortality_figure(
    groups: Mapping[str, Lifespans], fits: Mapping[tuple[str, Law], Fit]
) -> Figure:
    """Empirical survival of each group against the fitted Gompertz and Weibull curves."""
    figure, axes = plt.subplots(1, len(groups), figsize=(9, 3.6), sharey=True)
    for axis, (group, data) in zip(np.atleast_1d(axes), groups.items(), strict=True):
        days, survival = kaplan_meier(data)
        axis.step(np.r_[0, days], np.r_[1, survival], where="post", color="black", label="data")
        grid = np.linspace(0, float(data.days.max()) * 1.05, 200)
        for law in Law:
            law_fit = fits[(group, law)]
            axis.plot(grid, law_fit.survival(grid), _LAW_STYLE[law], label=law.value.title())
        axis.set_title(f"{_GROUP_TITLES.get(group, group)} (n={data.days.size})")
        axis.set_xlabel("age (days)")
    first_axis = np.atleast_1d(axes)[0]
    first_axis.set_ylabel("fraction alive")
    first_axis.legend(frameon=False)
    figure.tight_layout()
    return figure


def longley_figure(
    years: Sequence[float], observed: Sequence[float], fitted: Sequence[float]
) -> Figure:
    """Total employment, observed and fitted by the certified regression."""
    figure, axis = plt.subplots(figsize=(6, 3.6))
    axis.plot(years, np.asarray(observed) / 1000, "o", color="black", label="observed")
    axis.plot(years, np.asarray(fitted) / 1000, "-", label="OLS fit")
    axis.set_xlabel("year")
    axis.set_ylabel("total employment (millions)")
    axis.set_title("Longley (1967): employment and its regression fit")
    axis.legend(frameon=False)
    figure.tight_layout()
    return figure


def coefficients_figure(
    names: Sequence[str],
    coefficients: Sequence[float],
    standard_errors: Sequence[float],
    printed: Sequence[float],
) -> Figure:
    """Each reproduced coefficient with its 95% Wald interval, beside the value Fox's
    textbook table prints."""
    figure, axis = plt.subplots(figsize=(6, 3.6))
    rows = np.arange(len(names))[::-1]
    estimate = np.asarray(coefficients)
    half_width = 1.959964 * np.asarray(standard_errors)
    axis.axvline(0, color="grey", linewidth=0.8)
    axis.errorbar(
        estimate, rows, xerr=half_width, fmt="o", color="black", capsize=3, label="reproduced"
    )
    axis.plot(printed, rows, "x", color="tab:red", markersize=9, label="Fox's textbook table")
    axis.set_yticks(rows, list(names))
    axis.set_xlabel("Cox coefficient (log hazard ratio), 95% interval")
    axis.set_title("Rossi data, Cox model: reproduced vs Fox's table")
    axis.legend(frameon=False, loc="lower right")
    figure.tight_layout()
    return figure
