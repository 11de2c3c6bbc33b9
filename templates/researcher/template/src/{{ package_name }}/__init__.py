"""Reproduce published numbers and check each one against its reported value.

The worked example is the Longley (1967) regression, whose exact results NIST certifies in its
Statistical Reference Datasets; `paper/claims.yaml` lists those numbers.
"""

__version__ = "0.1.0"
