"""Reproduce two published regression tables: a Cox model and a logit.

This module owns the third experiment, whose reference values were printed in publications
(`paper/published_claims.yaml`) and can therefore genuinely disagree with the reproduction:

- the Cox proportional-hazards model of Rossi et al.'s recidivism data (shipped with lifelines
  as `rossi.csv`), fitted here by this repository's own Newton-Raphson on the partial
  likelihood with Efron's handling of tied event times, the method of the published table;
- the logit of Spector and Mazzeo's data (shipped with statsmodels), fitted with statsmodels.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from statsmodels.datasets import spector

from .mortality import DATA_PACKAGE, package_file

FloatArray = npt.NDArray[np.float64]
ROSSI_FILE = ("datasets", "rossi.csv")
ROSSI_SIZE = 432
# Covariates in the order of the published table.
ROSSI_COVARIATES: tuple[str, ...] = ("fin", "age", "race", "wexp", "mar", "paro", "prio")
SPECTOR_TERMS: tuple[str, ...] = ("const", "GPA", "TUCE", "PSI")
SPECTOR_SIZE = 32


@dataclass(frozen=True)
class SurvivalData:
    """Times, event indicators (False: censored) and covariates, one row per subject."""

    times: FloatArray
    events: npt.NDArray[np.bool_]
    covariates: FloatArray


@dataclass(frozen=True)
class CoxFit:
    """Maximum partial-likelihood estimates and their standard errors."""

    coefficients: tuple[float, ...]
    standard_errors: tuple[float, ...]
    log_likelihood: float
    null_log_likelihood: float
    iterations: int

    @property
    def likelihood_ratio(self) -> float:
        """2 (l(b) - l(0)): the likelihood-ratio statistic against no covariate effect."""
        return 2 * (self.log_likelihood - self.null_log_likelihood)


def load_rossi(path: Path | None = None) -> SurvivalData:
    """Read the Rossi data (weeks to re-arrest within a year), checking the file's shape."""
    source = package_file(DATA_PACKAGE, ROSSI_FILE) if path is None else path
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != ROSSI_SIZE:
        raise ValueError(f"{source}: expected {ROSSI_SIZE} subjects, got {len(rows)}")
    missing = sorted({"week", "arrest", *ROSSI_COVARIATES} - set(rows[0]))
    if missing:
        raise ValueError(f"{source}: missing column(s) {missing}")
    times = np.array([float(row["week"]) for row in rows])
    events = np.array([row["arrest"] == "1" for row in rows])
    covariates = np.array([[float(row[name]) for name in ROSSI_COVARIATES] for row in rows])
    for array in (times, events, covariates):
        array.setflags(write=False)
    return SurvivalData(times=times, events=events, covariates=covariates)


def efron_partial_likelihood(
    beta: FloatArray, data: SurvivalData
) -> tuple[float, FloatArray, FloatArray]:
    """Log partial likelihood with Efron's ties, its gradient and its Hessian at `beta`.

    At an event time with d tied deaths D among those at risk R, Efron's approximation divides
    the deaths' share out of the risk set in d equal steps: the k-th term's denominator is
    sum_R exp(x b) - (k / d) sum_D exp(x b), for k = 0 .. d - 1.
    """
    x = data.covariates
    linear = x @ beta
    risk = np.exp(linear)
    log_likelihood = 0.0
    gradient = np.zeros(beta.size)
    hessian = np.zeros((beta.size, beta.size))
    for time in np.unique(data.times[data.events]):
        at_risk = data.times >= time
        dying = at_risk & data.events & (data.times == time)
        deaths = int(dying.sum())
        weights_r, weights_d = risk[at_risk], risk[dying]
        s0_r, s0_d = float(weights_r.sum()), float(weights_d.sum())
        s1_r, s1_d = weights_r @ x[at_risk], weights_d @ x[dying]
        s2_r = (x[at_risk] * weights_r[:, None]).T @ x[at_risk]
        s2_d = (x[dying] * weights_d[:, None]).T @ x[dying]
        log_likelihood += float(linear[dying].sum())
        gradient += x[dying].sum(axis=0)
        for k in range(deaths):
            share = k / deaths
            s0 = s0_r - share * s0_d
            s1 = s1_r - share * s1_d
            s2 = s2_r - share * s2_d
            log_likelihood -= math.log(s0)
            gradient -= s1 / s0
            hessian -= s2 / s0 - np.outer(s1, s1) / s0**2
    return log_likelihood, gradient, hessian


def fit_cox(data: SurvivalData, *, tolerance: float = 1e-12, max_iterations: int = 50) -> CoxFit:
    """Newton-Raphson from b = 0 (the partial likelihood is concave); SEs from the Hessian."""
    beta = np.zeros(data.covariates.shape[1])
    null_log_likelihood = efron_partial_likelihood(beta, data)[0]
    iterations = 0
    step = np.full(beta.size, np.inf)
    while float(np.abs(step).max()) >= tolerance:
        if iterations == max_iterations:
            raise ArithmeticError(f"Newton-Raphson did not converge in {max_iterations} iterations")
        _, gradient, hessian = efron_partial_likelihood(beta, data)
        step = np.linalg.solve(hessian, gradient)
        beta = beta - step
        iterations += 1
    log_likelihood, _, hessian = efron_partial_likelihood(beta, data)
    covariance = np.linalg.inv(-hessian)
    return CoxFit(
        coefficients=tuple(float(value) for value in beta),
        standard_errors=tuple(float(value) for value in np.sqrt(np.diag(covariance))),
        log_likelihood=log_likelihood,
        null_log_likelihood=null_log_likelihood,
        iterations=iterations,
    )


@dataclass(frozen=True)
class LogitFit:
    coefficients: tuple[float, ...]
    standard_errors: tuple[float, ...]


def fit_spector() -> LogitFit:
    """The logit of GRADE on GPA, TUCE and PSI with an intercept, by maximum likelihood."""
    dataset = spector.load()
    design = sm.add_constant(dataset.exog, prepend=True)
    columns = tuple(str(name) for name in design.columns)
    # Claim ids map to terms by name: a renamed or reordered column must stop the run.
    if columns != SPECTOR_TERMS or len(design) != SPECTOR_SIZE:
        raise ValueError(f"unexpected Spector data: {columns}, {len(design)} rows")
    result = sm.Logit(dataset.endog, design).fit(disp=0)
    # statsmodels is untyped: built-in floats at this boundary.
    return LogitFit(
        coefficients=tuple(float(value) for value in result.params),
        standard_errors=tuple(float(value) for value in result.bse),
    )


def reproduce(rossi: CoxFit | None = None, logit: LogitFit | None = None) -> dict[str, float]:
    """Claim id -> reproduced value for the published claims."""
    cox = fit_cox(load_rossi()) if rossi is None else rossi
    spector_fit = fit_spector() if logit is None else logit
    reproduced: dict[str, float] = {}
    for name, coefficient, error in zip(
        ROSSI_COVARIATES, cox.coefficients, cox.standard_errors, strict=True
    ):
        reproduced[f"rossi_coef_{name}"] = coefficient
        reproduced[f"rossi_se_{name}"] = error
    for term, coefficient, error in zip(
        SPECTOR_TERMS, spector_fit.coefficients, spector_fit.standard_errors, strict=True
    ):
        reproduced[f"spector_coef_{term.lower()}"] = coefficient
        reproduced[f"spector_se_{term.lower()}"] = error
    return reproduced
