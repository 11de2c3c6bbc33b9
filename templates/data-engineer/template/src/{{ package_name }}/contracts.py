"""Contracts of the two raw sources: where partitions live, their fields and rejection reasons.

The generator writes files that follow (and deliberately break) these contracts, and the extract
and validate tasks read them. Both sides import this one module so that the producer and the
consumer of a raw partition cannot drift apart.

Each contract is declared once, as data: its typed columns, the record rules (checked in order,
the first broken one names the quarantine reason), the key that must be unique and the foreign
key to another source. ``record_sql`` (the record rules) and ``judge_sql`` (the checks across
the batch) compile a contract into set-based SQL, so the whole batch is validated by the
engine instead of record by record in Python; ``contract_sql`` joins both into one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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

    INVALID_ENCODING = "invalid_encoding"
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


# The longest field a CSV record may carry (the limit of Python's csv module, kept as the contract).
MAX_FIELD_CHARS = 131_072
_INTEGER = r"^[+-]?[0-9]+$"
_DECIMAL = r"^[+-]?[0-9]+([.][0-9]+)?$"
_ISO_TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?"
_UTC_OFFSET = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"


# Both sources list the same six field names, so one position per name serves both.
_FIELD_ORDER: dict[str, int] = {
    **{name: position for position, name in enumerate(ORDER_FIELDS, start=1)},
    **{name: position for position, name in enumerate(LINE_ITEM_COLUMNS, start=1)},
}


@dataclass(frozen=True)
class Column:
    """A typed column of a contract: ``raw`` is the SQL text of the field, ``sql_type`` its type."""

    name: str
    sql_type: str
    raw: str


@dataclass(frozen=True)
class Rule:
    """A record rule: ``broken_when`` is a SQL predicate over the raw fields (``f_<column>``)."""

    name: str
    reason: Reason
    broken_when: str
    detail: str  # SQL expression saying what broke the rule


@dataclass(frozen=True)
class Contract:
    """Everything a source promises, declared once and compiled to SQL by ``contract_sql``."""

    source: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    unique_key: tuple[str, ...]
    references: tuple[str, str] | None = None  # (column, source whose valid keys it must match)


# The extract task reads a byte that is not UTF-8 as U+FFFD, the replacement character, and
# keeps the line: its record is quarantined here instead of the whole file failing to load.
# A U+FFFD that arrives in the file means an earlier decoding lost data, so it breaks it too.
REPLACEMENT_CHARACTER = "\ufffd"
_UTF8 = Rule(
    "utf8",
    Reason.INVALID_ENCODING,
    f"contains(text, chr({ord(REPLACEMENT_CHARACTER)}))",
    "'not valid UTF-8; each undecodable byte is shown as U+FFFD'",
)


def _required(name: str) -> Rule:
    return Rule(
        f"{name}_present", Reason.MISSING_FIELD, f"coalesce(f_{name}, '') = ''", f"'{name}'"
    )


def _field(name: str, sql_type: str = "VARCHAR") -> Column:
    """A column read from its position in the record's trimmed ``fields`` (see ``_PARSE``)."""
    return Column(name, sql_type, f"fields[{_FIELD_ORDER[name]}]")


def _one_of(name: str, values: frozenset[str]) -> Rule:
    allowed = ", ".join(f"'{value}'" for value in sorted(values))
    return Rule(
        f"{name}_known",
        Reason.INVALID_VALUE,
        f"f_{name} NOT IN ({allowed})",
        f"'{name}=' || f_{name}",
    )


ORDER_CONTRACT = Contract(
    source=ORDERS,
    columns=(
        _field("order_id"),
        _field("store_id"),
        _field("customer_id"),
        _field("ordered_at", "TIMESTAMP"),
        _field("channel"),
        _field("payment_method"),
    ),
    rules=(
        _UTF8,
        Rule(
            "json_object",
            Reason.MALFORMED_JSON,
            "doc IS NULL",
            "'expected a JSON object'",
        ),
        *(_required(name) for name in ORDER_FIELDS),
        *(
            Rule(
                f"{name}_is_text",
                Reason.INVALID_VALUE,
                f"types[{position}] <> 'VARCHAR'",
                f"'{name} must be a string, got ' || json_extract(doc, '$.{name}')",
            )
            for position, name in enumerate(ORDER_FIELDS, start=1)
        ),
        Rule(
            "ordered_at_iso",
            Reason.INVALID_TIMESTAMP,
            f"NOT regexp_matches(f_ordered_at, '{_ISO_TIMESTAMP}')"
            f" OR try_cast(regexp_replace(f_ordered_at, '{_UTC_OFFSET}', '') AS TIMESTAMP) IS NULL",
            "f_ordered_at",
        ),
        # Stores report local wall-clock time; an offset means a different feed produced it.
        Rule(
            "ordered_at_local",
            Reason.INVALID_TIMESTAMP,
            f"regexp_matches(f_ordered_at, '{_UTC_OFFSET}')",
            "'unexpected UTC offset: ' || f_ordered_at",
        ),
        # Loading it would write into another date's partition and break per-date reloads.
        Rule(
            "ordered_on_logical_date",
            Reason.OUTSIDE_LOGICAL_DATE,
            "CAST(try_cast(f_ordered_at AS TIMESTAMP) AS DATE) <> $logical_date",
            "f_ordered_at",
        ),
        _one_of("channel", CHANNELS),
        _one_of("payment_method", PAYMENT_METHODS),
    ),
    unique_key=("order_id",),
)


def _number(name: str, pattern: str) -> Rule:
    return Rule(
        f"{name}_number",
        Reason.UNPARSABLE_NUMBER,
        f"NOT regexp_matches(f_{name}, '{pattern}')",
        f"'{name}=' || f_{name}",
    )


def _fits(name: str, sql_type: str) -> Rule:
    """A number too big for its column would fail the whole batch's cast: quarantine it instead."""
    return Rule(
        f"{name}_in_range",
        Reason.INVALID_VALUE,
        f"try_cast(f_{name} AS {sql_type}) IS NULL",
        f"'{name}=' || f_{name} || ' does not fit {sql_type}'",
    )


LINE_ITEM_CONTRACT = Contract(
    source=LINE_ITEMS,
    columns=(
        _field("order_id"),
        _field("line_no", "INTEGER"),
        _field("product_id"),
        _field("category"),
        _field("quantity", "INTEGER"),
        _field("unit_price", "DECIMAL(10, 2)"),
    ),
    rules=(
        _UTF8,
        Rule(
            "csv_columns",
            Reason.MALFORMED_ROW,
            f"fields IS NULL OR len(fields) <> {len(LINE_ITEM_COLUMNS)}",
            f"'expected {len(LINE_ITEM_COLUMNS)} columns, got ' || coalesce(len(fields), 0)",
        ),
        Rule(
            "csv_field_size",
            Reason.MALFORMED_ROW,
            # Only a line longer than the limit can hold such a field: the cheap test goes first.
            f"length(text) > {MAX_FIELD_CHARS}"
            f" AND list_max(list_transform(fields, lambda f: length(f))) > {MAX_FIELD_CHARS}",
            f"'a field is longer than {MAX_FIELD_CHARS} characters'",
        ),
        *(_required(name) for name in LINE_ITEM_COLUMNS),
        _number("line_no", _INTEGER),
        _number("quantity", _INTEGER),
        _number("unit_price", _DECIMAL),
        _fits("line_no", "INTEGER"),
        _fits("quantity", "INTEGER"),
        _fits("unit_price", "DECIMAL(10, 2)"),
        Rule(
            "unit_price_cents",
            Reason.INVALID_VALUE,
            "f_unit_price LIKE '-%' OR regexp_matches(f_unit_price, '[.][0-9]{3,}$')",
            "'unit_price=' || f_unit_price",
        ),
        Rule(
            "line_no_positive",
            Reason.INVALID_VALUE,
            "try_cast(f_line_no AS BIGINT) < 1",
            "'line_no=' || f_line_no",
        ),
        # Returns come through a separate feed; a sale line must sell something.
        Rule(
            "quantity_positive",
            Reason.NON_POSITIVE_QUANTITY,
            "try_cast(f_quantity AS BIGINT) <= 0",
            "'quantity=' || f_quantity",
        ),
    ),
    unique_key=("order_id", "line_no"),
    references=("order_id", ORDERS),
)

CONTRACTS: tuple[Contract, ...] = (ORDER_CONTRACT, LINE_ITEM_CONTRACT)

# How each raw line becomes the values the column expressions read, parsed once per record:
# the JSON document with its fields and their JSON types, or the list of CSV fields (quoted
# fields may hold commas and doubled quotes). Fields are trimmed of surrounding spaces.
_CSV_FIELD = r'("([^"]|"")*"|[^,"]*)'
_JSON_PATHS = "[" + ", ".join(f"'$.{name}'" for name in ORDER_FIELDS) + "]"
_TRIMMED = "lambda f: trim(f)"
_PARSE: dict[str, str] = {
    ORDERS: (
        f"doc, list_transform(json_extract_string(doc, {_JSON_PATHS}), {_TRIMMED}) AS fields, "
        f"json_type(doc, {_JSON_PATHS}) AS types FROM (SELECT *, "
        # Valid JSON that opens with a brace, after JSON whitespace, is an object: this costs
        # one parse, where asking json_type would parse the text a second time.
        "CASE WHEN json_valid(text) AND starts_with(ltrim(text, chr(32) || chr(9) || chr(10)"
        " || chr(13)), '{') THEN text END AS doc"
    ),
    LINE_ITEMS: (
        # Most lines hold no quote and no space: a plain split is exact for them and much cheaper.
        "CASE WHEN NOT contains(text, '\"') THEN CASE WHEN contains(text, ' ')"
        f" THEN list_transform(string_split(text, ','), {_TRIMMED})"
        " ELSE string_split(text, ',') END"
        f" WHEN regexp_full_match(text || ',', '({_CSV_FIELD},)*') THEN list_transform("
        f"regexp_extract_all(text || ',', '{_CSV_FIELD},', 1),"
        " lambda f: trim(CASE WHEN f LIKE '\"%' THEN replace(f[2:-2], '\"\"', '\"') ELSE f END))"
        " END AS fields FROM (SELECT *"
    ),
}


def record_sql(contract: Contract, raw_table: str) -> str:
    """SQL that applies the record rules of ``contract`` to every record of ``raw_table``.

    ``raw_table`` (a table or a view) has the columns ``source_file``, ``line_number`` and
    ``text``; it holds one file, so a line number identifies a record. Each record is judged
    on its own, so any slice of the table can be checked apart from the rest (Spark checks
    each of its partitions with this query). The query returns each record's
    ``line_number``, the typed columns (NULL unless the record keeps every rule) and the
    ``record_reason`` and ``record_detail`` of the first rule it breaks (NULL for none).
    The parameter ``$logical_date`` is the date of the batch.
    """
    fields = ", ".join(f"{column.raw} AS f_{column.name}" for column in contract.columns)
    first_broken = " ".join(
        f"WHEN {rule.broken_when} THEN {number}"
        for number, rule in enumerate(contract.rules, start=1)
    )
    reasons = ", ".join(f"'{rule.reason.value}'" for rule in contract.rules)
    details = " ".join(
        f"WHEN {number} THEN '{rule.name}: ' || {rule.detail}"
        for number, rule in enumerate(contract.rules, start=1)
    )
    # A record that keeps every rule is typed right away: the batch is compared on typed keys
    # (as the warehouse's primary keys compare them) and carried as compact typed values.
    typed = ", ".join(
        f"CAST(CASE WHEN broken_rule IS NULL THEN f_{column.name} END AS {column.sql_type})"
        f" AS {column.name}"
        for column in contract.columns
    )
    return f"""
WITH parsed AS (
    SELECT line_number, text, {_PARSE[contract.source]}
    FROM {raw_table})
),
fielded AS (SELECT *, {fields} FROM parsed),
broken AS (SELECT *, CASE {first_broken} END AS broken_rule FROM fielded)
SELECT
    line_number, {typed},
    [{reasons}][broken_rule] AS record_reason,
    CASE broken_rule {details} END AS record_detail
FROM broken
"""


def _judging(contract: Contract, valid_keys_table: str | None) -> str:
    """The checks over the whole batch, read from the relation ``checked`` (see ``judge_sql``)."""
    names = ", ".join(column.name for column in contract.columns)
    key = ", ".join(contract.unique_key)
    key_text = " || '/' || ".join(f"CAST({name} AS STRING)" for name in contract.unique_key)
    valid_only = ", ".join(
        f"CASE WHEN reason IS NULL THEN {column.name} END AS {column.name}"
        for column in contract.columns
    )
    orphan, orphan_key, referenced = "false", "''", ""
    if contract.references is not None:
        column, _ = contract.references
        orphan, orphan_key = "referenced_key IS NULL", f"'{column} ' || {column}"
        referenced = (
            # The referenced source's valid rows hold each of its keys once (its contract
            # quarantines repeats), so the join cannot multiply records.
            f"LEFT JOIN (SELECT {column} AS referenced_key FROM {valid_keys_table}) AS valid_keys"
            f" ON referenced_key = {column}"
        )
    return f"""
repeated_keys AS (
    -- Only keys delivered more than once: a small table to join, however big the batch.
    SELECT {key}, min(line_number) AS first_line
    FROM checked
    WHERE record_reason IS NULL
    GROUP BY ALL
    HAVING count(*) > 1
),
ranked AS (SELECT * FROM checked LEFT JOIN repeated_keys USING ({key})),
judged AS (
    SELECT
        line_number, {names},
        CASE
            WHEN record_reason IS NOT NULL THEN record_reason
            WHEN line_number > first_line THEN '{Reason.DUPLICATE.value}'
            WHEN {orphan} THEN '{Reason.ORPHAN_LINE_ITEM.value}'
        END AS reason,
        CASE
            WHEN record_reason IS NOT NULL THEN record_detail
            WHEN line_number > first_line THEN
                'unique_key: ' || {key_text} || ' first seen on line ' || first_line
            WHEN {orphan} THEN 'references: ' || {orphan_key} || ' is not a valid key of this date'
        END AS detail
    FROM ranked {referenced}
)
SELECT line_number, reason, detail, {valid_only}
FROM judged
"""


def judge_sql(contract: Contract, checked_table: str, valid_keys_table: str | None = None) -> str:
    """SQL that finishes the check of ``checked_table``, the output of ``record_sql``.

    A record that keeps its record rules is then refused for a repeated unique key (the first
    delivery wins: re-sent events repeat it, they do not correct it), then for a reference to
    a key missing from ``valid_keys_table``. Returns each record's ``line_number``, its
    ``reason`` and ``detail`` (NULL for a valid record) and the typed columns. The SQL is in
    the dialect DuckDB and Spark SQL share.
    """
    return f"WITH checked AS (SELECT * FROM {checked_table}),{_judging(contract, valid_keys_table)}"


def contract_sql(contract: Contract, raw_table: str, valid_keys_table: str | None = None) -> str:
    """``record_sql`` and ``judge_sql`` in one DuckDB query: the whole check of ``raw_table``."""
    # Materialised: the rules are evaluated once per record, not once per reader of ``checked``.
    return (
        f"WITH checked AS MATERIALIZED ({record_sql(contract, raw_table)}),"
        f"{_judging(contract, valid_keys_table)}"
    )
