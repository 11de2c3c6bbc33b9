-- Customer activity per day, the input of the coupon system's customer features: what each
-- customer bought on the date, and how much of it came from the favourite category.
WITH spend_by_category AS (
    SELECT
        o.order_date,
        o.customer_id,
        li.category,
        sum(li.line_amount) AS spend,
        row_number() OVER (
            PARTITION BY o.order_date, o.customer_id ORDER BY sum(li.line_amount) DESC, li.category
        ) AS category_rank
    FROM {{ rel('stg_line_items') }} AS li
    INNER JOIN {{ rel('stg_orders') }} AS o ON o.order_id = li.order_id
    GROUP BY o.order_date, o.customer_id, li.category
),

customer_orders AS (
    SELECT
        order_date,
        customer_id,
        count(*) AS n_orders,
        sum(n_units) AS n_units,
        sum(order_total) AS spend,
        count(*) FILTER (WHERE channel <> 'in_store') AS n_online_orders
    FROM {{ rel('stg_orders') }}
    WHERE n_lines > 0
    GROUP BY order_date, customer_id
)

SELECT
    o.order_date AS activity_date,
    o.customer_id,
    CAST(o.n_orders AS INTEGER) AS n_orders,
    CAST(o.n_units AS INTEGER) AS n_units,
    CAST(o.spend AS DECIMAL(12, 2)) AS spend,
    CAST(o.n_online_orders AS INTEGER) AS n_online_orders,
    c.category AS top_category
FROM customer_orders AS o
INNER JOIN spend_by_category AS c
    ON c.order_date = o.order_date AND c.customer_id = o.customer_id AND c.category_rank = 1
ORDER BY activity_date, o.customer_id
