-- Staged orders: one row per valid order, with the basket rolled up from its valid lines.
-- An order whose every line was quarantined is kept (with zero lines) so it stays countable.
WITH baskets AS (
    SELECT
        order_id,
        count(*) AS n_lines,
        sum(quantity) AS n_units,
        sum(quantity * unit_price) AS order_total
    FROM {{ rel('valid_line_items') }}
    GROUP BY order_id
)

SELECT
    o.order_id,
    CAST(o.ordered_at AS DATE) AS order_date,
    o.ordered_at,
    o.store_id,
    o.customer_id,
    o.channel,
    o.payment_method,
    CAST(coalesce(b.n_lines, 0) AS INTEGER) AS n_lines,
    CAST(coalesce(b.n_units, 0) AS INTEGER) AS n_units,
    CAST(coalesce(b.order_total, 0) AS DECIMAL(12, 2)) AS order_total
FROM {{ rel('valid_orders') }} AS o
LEFT JOIN baskets AS b ON b.order_id = o.order_id
