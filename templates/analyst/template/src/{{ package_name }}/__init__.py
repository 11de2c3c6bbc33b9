"""Ride-hailing city operations: synthetic data, a SQL metric layer and a KPI report.

The package turns driver shifts and trips into the numbers a city operations team decides on:
completed trips, revenue, time-to-pickup, driver wages and what another driver on shift buys.
"""

__version__ = "0.1.0"
