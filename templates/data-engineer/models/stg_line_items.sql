-- Staged line items: valid lines with their order's date and store, and the line amount.
SELECT
    li.order_id,
    li.line_no,
    o.order_date,
    o.store_id,
    li.product_id,
    li.category,
    li.quantity,
    li.unit_price,
    CAST(li.quantity * li.unit_price AS DECIMAL(12, 2)) AS line_amount
FROM {{ rel('valid_line_items') }} AS li
INNER JOIN {{ rel('stg_orders') }} AS o ON o.order_id = li.order_id
