"""Fit discrete fly-lifespan data to the continuous Gompertz and Weibull mortality laws.

This module owns the second experiment: it reads the Drosophila lifespans that ship inside
lifelines (`waltons_dataset.csv`: days lived, a death indicator, and the genotype group, a
control line and a miR-137 line), fits both laws to each group by maximum likelihood with
right censoring, compares them by AIC, and bootstraps the median lifespan over several seeds.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

FloatArray = npt.NDArray[np.float64]
DATA_PACKAGE = "lifelines"
DATA_FILE = ("datasets", "waltons_dataset.csv")
# Group labels as written in the data file, and the short names used in claim ids.
GROUPS: dict[str, str] = {"control": "control", "miR-137": "mir137"}
EXPECTED_SIZE = 163


class Law(StrEnum):
    """The two mortality laws, named as in the claim ids."""

    GOMPERTZ = "gompertz"
    WEIBULL = "weibull"


# Parameter names per law, in the order the optimiser sees them (on the log scale).
PARAMETERS: dict[Law, tuple[str, str]] = {
    Law.GOMPERTZ: ("a", "b"),
    Law.WEIBULL: ("lambda", "rho"),
}


@dataclass(frozen=True)
class Lifespans:
    """One group's days lived and whether the death was observed (False: censored)."""

    days: FloatArray
    died: npt.NDArray[np.bool_]

    def resample(self, rng: np.random.Generator) -> Lifespans:
        """A bootstrap sample: individuals drawn with replacement, same size."""
        index = rng.integers(0, self.days.size, size=self.days.size)
        return Lifespans(days=self.days[index], died=self.died[index])


@dataclass(frozen=True)
class Fit:
    """A maximum-likelihood fit of one law to one group."""

    law: Law
    params: tuple[float, float]
    log_likelihood: float

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.log_likelihood

    def survival(self, days: FloatArray) -> FloatArray:
        """The fitted probability of living beyond each day."""
        return np.exp(-_cumulative_hazard(self.law, self.params, days))

    def median(self) -> float:
        """The day by which half the group is expected to have died."""
        first, second = self.params
        if self.law is Law.GOMPERTZ:
            return math.log1p(second * math.log(2) / first) / second
        return first * float(math.log(2) ** (1 / second))


def package_file(package: str, parts: Sequence[str]) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {package} package, which ships the data, is missing")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def data_path() -> Path:
    """Where the installed lifelines keeps the lifespans file."""
    return package_file(DATA_PACKAGE, DATA_FILE)


def load_lifespans(path: Path | None = None) -> dict[str, Lifespans]:
    """Read the lifespans, keyed by the short group name, checking the file's shape."""
    source = data_path() if path is None else path
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != EXPECTED_SIZE:
        raise ValueError(f"{source}: expected {EXPECTED_SIZE} flies, got {len(rows)}")
    groups: dict[str, Lifespans] = {}
    for label, short in GROUPS.items():
        selected = [row for row in rows if row["group"] == label]
        if not selected:
            raise ValueError(f"{source}: no flies in group {label!r}")
        days = np.array([float(row["T"]) for row in selected])
        died = np.array([row["E"] == "1" for row in selected])
        days.setflags(write=False)
        died.setflags(write=False)
        groups[short] = Lifespans(days=days, died=died)
    return groups


def _cumulative_hazard(law: Law, params: Sequence[float], days: FloatArray) -> FloatArray:
    first, second = params
    if law is Law.GOMPERTZ:
        # Gompertz: hazard a * exp(b t); its integral from 0 to t.
        return np.asarray(first / second * np.expm1(second * days))
    # Weibull (lifelines' parametrisation): hazard rho / lambda * (t / lambda) ** (rho - 1).
    return np.asarray((days / first) ** second)


def _log_hazard(law: Law, params: Sequence[float], days: FloatArray) -> FloatArray:
    first, second = params
    if law is Law.GOMPERTZ:
        return np.asarray(math.log(first) + second * days)
    return np.asarray(math.log(second / first) + (second - 1) * np.log(days / first))


def log_likelihood(law: Law, params: Sequence[float], data: Lifespans) -> float:
    """Right-censored log-likelihood: observed deaths add their log hazard."""
    hazard_terms = _log_hazard(law, params, data.days[data.died])
    return float(hazard_terms.sum() - _cumulative_hazard(law, params, data.days).sum())


def _starting_point(law: Law, data: Lifespans) -> tuple[float, float]:
    # Moment-style starts close to the optimum keep the optimiser fast and deterministic.
    mean = float(data.days.mean())
    if law is Law.GOMPERTZ:
        return (1.0 / (20 * mean), 3.0 / mean)
    return (mean, 2.0)


def fit(law: Law, data: Lifespans, start: Sequence[float] | None = None) -> Fit:
    """Maximum-likelihood fit, optimised over log-parameters so both stay positive."""
    initial = np.log(start if start is not None else _starting_point(law, data))

    def objective(log_params: FloatArray) -> float:
        value = -log_likelihood(law, np.exp(log_params).tolist(), data)
        return value if math.isfinite(value) else math.inf

    coarse = minimize(objective, initial, method="Nelder-Mead", options={"xatol": 1e-6})
    result = minimize(objective, coarse.x, method="BFGS", options={"gtol": 1e-9})
    best = result if result.fun <= coarse.fun else coarse
    first, second = (float(value) for value in np.exp(best.x))
    return Fit(law=law, params=(first, second), log_likelihood=-float(best.fun))


def fit_all(groups: Mapping[str, Lifespans]) -> dict[tuple[str, Law], Fit]:
    """Both laws fitted to every group."""
    return {(group, law): fit(law, data) for group, data in groups.items() for law in Law}


def reproduce(groups: Mapping[str, Lifespans] | None = None) -> dict[str, float]:
    """Claim id -> reproduced value for the mortality claims."""
    fits = fit_all(load_lifespans() if groups is None else groups)
    reproduced: dict[str, float] = {}
    for (group, law), law_fit in fits.items():
        for name, value in zip(PARAMETERS[law], law_fit.params, strict=True):
            reproduced[f"{law}_{name}_{group}"] = value
        reproduced[f"{law}_loglik_{group}"] = law_fit.log_likelihood
        reproduced[f"{law}_median_{group}"] = law_fit.median()
    for group in GROUPS.values():
        gompertz, weibull = fits[(group, Law.GOMPERTZ)], fits[(group, Law.WEIBULL)]
        reproduced[f"aic_gompertz_minus_weibull_{group}"] = gompertz.aic - weibull.aic
    return reproduced


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap confidence interval from one seed."""

    seed: int
    lower: float
    upper: float


def _median_statistics(groups: Mapping[str, Lifespans]) -> dict[str, float]:
    return {
        f"{law}_median_{group}": fit(law, data).median()
        for group, data in groups.items()
        for law in Law
    }


def bootstrap(
    groups: Mapping[str, Lifespans],
    *,
    seed: int,
    resamples: int,
    confidence: float,
    statistics: Callable[[Mapping[str, Lifespans]], dict[str, float]] = _median_statistics,
) -> dict[str, Interval]:
    """Percentile intervals for each statistic from `resamples` resamples drawn with `seed`."""
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(resamples):
        sample = {name: data.resample(rng) for name, data in groups.items()}
        for key, value in statistics(sample).items():
            draws.setdefault(key, []).append(value)
    tail = (1 - confidence) / 2 * 100
    intervals = {}
    for key, values in draws.items():
        lower, upper = np.percentile(values, [tail, 100 - tail])
        intervals[key] = Interval(seed=seed, lower=float(lower), upper=float(upper))
    return intervals


@dataclass(frozen=True)
class SeedSummary:
    """One statistic's bootstrap interval summarised over seeds: mean and spread of each end."""

    statistic: str
    lower_mean: float
    lower_sd: float
    upper_mean: float
    upper_sd: float
    seeds: int


def summarise(per_seed: Sequence[Mapping[str, Interval]]) -> list[SeedSummary]:
    """Mean and sample standard deviation of each interval end across seeds."""
    summaries = []
    for statistic in per_seed[0]:
        lowers = np.array([intervals[statistic].lower for intervals in per_seed])
        uppers = np.array([intervals[statistic].upper for intervals in per_seed])
        ddof = 1 if len(per_seed) > 1 else 0
        summaries.append(
            SeedSummary(
                statistic=statistic,
                lower_mean=float(lowers.mean()),
                lower_sd=float(lowers.std(ddof=ddof)),
                upper_mean=float(uppers.mean()),
                upper_sd=float(uppers.std(ddof=ddof)),
                seeds=len(per_seed),
            )
        )
    return summaries
