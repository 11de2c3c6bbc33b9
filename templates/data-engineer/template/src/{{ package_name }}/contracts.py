"""Contracts of the two raw sources: where partitions live, their fields and rejection reasons.

The generator writes files that follow (and deliberately break) these contracts, and the extract
and validate tasks read them. Both sides import this one module so that the producer and the
consumer of a raw partition cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

ORDERS = "orders"
LINE_ITEMS = "line_items"

# Orders arrive as JSON lines, one object per order event; every field is required.
ORDER_FIELDS: tuple[str, ...] = (
    "order_id",
    "store_id",
    "customer_id",
    "ordered_at",
    "channel",
    "payment_method",
)
# Line items arrive as a CSV export with this exact header.
LINE_ITEM_COLUMNS: tuple[str, ...] = (
    "order_id",
    "line_no",
    "product_id",
    "category",
    "quantity",
    "unit_price",
)

CHANNELS: frozenset[str] = frozenset({"in_store", "click_collect", "delivery"})
PAYMENT_METHODS: frozenset[str] = frozenset({"card", "cash", "mobile", "voucher"})


class Reason(StrEnum):
    """Why a raw record was sent to quarantine instead of the warehouse."""

    MALFORMED_JSON = "malformed_json"
    MALFORMED_ROW = "malformed_row"
    MISSING_FIELD = "missing_field"
    INVALID_TIMESTAMP = "invalid_timestamp"
    OUTSIDE_LOGICAL_DATE = "outside_logical_date"
    INVALID_VALUE = "invalid_value"
    UNPARSABLE_NUMBER = "unparsable_number"
    NON_POSITIVE_QUANTITY = "non_positive_quantity"
    DUPLICATE = "duplicate"
    ORPHAN_LINE_ITEM = "orphan_line_item"


class SchemaError(Exception):
    """A whole raw file breaks its contract (e.g. a changed CSV header); the run must stop."""


def partition_dir(raw_dir: Path, source: str, logical_date: dt.date) -> Path:
    """Hive-style partition folder, e.g. ``raw/orders/dt=2026-11-01``."""
    return raw_dir / source / f"dt={logical_date.isoformat()}"


def orders_path(raw_dir: Path, logical_date: dt.date) -> Path:
    """The JSON-lines file holding one day of order events."""
    return partition_dir(raw_dir, ORDERS, logical_date) / "orders.jsonl"


def line_items_path(raw_dir: Path, logical_date: dt.date) -> Path:
    """The CSV file holding one day of order line items."""
    return partition_dir(raw_dir, LINE_ITEMS, logical_date) / "line_items.csv"
