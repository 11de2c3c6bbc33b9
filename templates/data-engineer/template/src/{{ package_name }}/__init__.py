"""Daily batch pipeline for a grocery chain's purchase events.

Raw order events (JSON lines) and line items (CSV) are extracted, validated (bad records go to
a quarantine table with their reason), transformed with packaged SQL into staging tables and a
daily sales mart, and loaded into a DuckDB warehouse one logical date at a time.
"""

__version__ = "0.1.0"
