"""Loan-default risk scoring: a data contract, a calibrated model, and a service that serves it."""

__version__ = "0.1.0"
