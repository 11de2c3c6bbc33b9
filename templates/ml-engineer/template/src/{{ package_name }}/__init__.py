"""Loan-default risk scoring: synthetic data, a logistic-regression model, JSON artifacts."""

__version__ = "0.1.0"
