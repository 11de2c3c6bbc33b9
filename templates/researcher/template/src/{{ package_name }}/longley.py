"""Reproduce the Longley regression that NIST certifies.

This module owns the computation: it loads the Longley data that ship inside statsmodels
(nothing is downloaded), fits ordinary least squares of total employment on the six
regressors plus an intercept, and names every reproduced number by the claim id used in
`paper/claims.yaml`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from statsmodels.datasets import longley
from statsmodels.regression.linear_model import OLS

RESPONSE = "TOTEMP"
# Regressor order fixed by the NIST model (x1 ... x6); the design matrix follows it exactly.
PREDICTORS: tuple[str, ...] = ("GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR")
# Claim-id suffix for each design-matrix column, intercept first.
TERMS: tuple[str, ...] = ("const", *(name.lower() for name in PREDICTORS))
EXPECTED_OBSERVATIONS = 16


@dataclass(frozen=True)
class LongleyData:
    """The Longley observations as read-only float arrays."""

    response: npt.NDArray[np.float64]
    """Total employment (TOTEMP), shape (16,)."""
    predictors: npt.NDArray[np.float64]
    """Regressors in `PREDICTORS` order, shape (16, 6)."""

    def design_matrix(self) -> npt.NDArray[np.float64]:
        """Regressors with a leading column of ones for the intercept."""
        intercept = np.ones((self.predictors.shape[0], 1))
        return np.hstack([intercept, self.predictors])


def load_longley() -> LongleyData:
    """Load the Longley data packaged with statsmodels, checking they are the expected table."""
    dataset = longley.load()
    columns = tuple(str(name) for name in dataset.exog.columns)
    # Guard against a statsmodels release reordering or renaming columns: the claim ids
    # below map to regressors by position, so a silent change would mislabel every number.
    if columns != PREDICTORS:
        raise ValueError(f"unexpected Longley regressors {columns}, expected {PREDICTORS}")
    if str(dataset.endog.name) != RESPONSE:
        raise ValueError(f"unexpected Longley response {dataset.endog.name!r}")
    response = np.array(dataset.endog, dtype=np.float64)
    predictors = np.array(dataset.exog, dtype=np.float64)
    # Freeze our own copies: the observations are the evidence, nothing may edit them in place.
    response.setflags(write=False)
    predictors.setflags(write=False)
    if response.shape != (EXPECTED_OBSERVATIONS,):
        raise ValueError(f"expected {EXPECTED_OBSERVATIONS} observations, got {response.shape}")
    return LongleyData(response=response, predictors=predictors)


def fitted_values(data: LongleyData) -> list[float]:
    """Total employment as the certified regression predicts it, one value per year."""
    fit = OLS(data.response, data.design_matrix()).fit()
    return [float(value) for value in fit.fittedvalues]


def reproduce(data: LongleyData | None = None) -> dict[str, float]:
    """Fit the certified model and return claim id -> reproduced value.

    statsmodels solves least squares through a pseudo-inverse (SVD), which keeps about
    eleven significant digits on this ill-conditioned design; normal equations would not.
    """
    observations = load_longley() if data is None else data
    fit = OLS(observations.response, observations.design_matrix()).fit()

    # statsmodels is untyped: convert everything to built-in floats at this boundary.
    coefficients = [float(value) for value in fit.params]
    standard_errors = [float(value) for value in fit.bse]
    reproduced: dict[str, float] = {}
    for term, coefficient, standard_error in zip(TERMS, coefficients, standard_errors, strict=True):
        reproduced[f"coef_{term}"] = coefficient
        reproduced[f"se_{term}"] = standard_error
    reproduced["residual_sd"] = math.sqrt(float(fit.mse_resid))
    reproduced["r_squared"] = float(fit.rsquared)
    # statsmodels calls the regression (explained) sum of squares `ess`, the residual one `ssr`.
    reproduced["regression_ss"] = float(fit.ess)
    reproduced["residual_ss"] = float(fit.ssr)
    reproduced["f_statistic"] = float(fit.fvalue)
    return reproduced
