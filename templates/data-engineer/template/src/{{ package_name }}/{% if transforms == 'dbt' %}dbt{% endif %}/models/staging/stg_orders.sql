-- Staged orders: one row per valid order, with the basket rolled up from its valid lines.
-- An order whose every line was quarantined is kept (with zero lines) so it stays countable.
SELECT
    o.order_id,
    CAST(o.ordered_at AS DATE) AS order_date,
    o.ordered_at,
    o.store_id,
    o.customer_id,
    o.channel,
    o.payment_method,
    CAST(count(li.line_no) AS INTEGER) AS n_lines,
    CAST(coalesce(sum(li.quantity), 0) AS INTEGER) AS n_units,
    CAST(coalesce(sum(li.quantity * li.unit_price), 0) AS DECIMAL(12, 2)) AS order_total
FROM {{ source('validated', 'valid_orders') }} AS o
LEFT JOIN {{ source('validated', 'valid_line_items') }} AS li ON li.order_id = o.order_id
GROUP BY
    o.order_id, o.ordered_at, o.store_id, o.customer_id, o.channel, o.payment_method
ORDER BY o.order_id
