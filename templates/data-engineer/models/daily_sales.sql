-- Daily sales mart: one row per date and store.
-- Only orders with at least one valid line count as sales. The top category is the one with
-- the highest revenue, ties by name. Ratios are rounded half up in integer cents (and tenths
-- of a percent), so DuckDB and Spark give the same digits: neither goes through a float.
WITH sold_orders AS (
    SELECT *
    FROM {{ rel('stg_orders') }}
    WHERE n_lines > 0
),

category_revenue AS (
    SELECT
        order_date,
        store_id,
        category,
        sum(line_amount) AS revenue
    FROM {{ rel('stg_line_items') }}
    GROUP BY order_date, store_id, category
),

ranked_categories AS (
    SELECT
        order_date,
        store_id,
        category,
        row_number() OVER (
            PARTITION BY order_date, store_id ORDER BY revenue DESC, category
        ) AS category_rank
    FROM category_revenue
),

store_days AS (
    SELECT
        order_date,
        store_id,
        count(*) AS n_orders,
        count(DISTINCT customer_id) AS n_customers,
        sum(n_units) AS n_units,
        sum(order_total) AS revenue,
        CAST(sum(order_total) * 100 AS BIGINT) AS revenue_cents,
        count(*) FILTER (WHERE channel <> 'in_store') AS n_online
    FROM sold_orders
    GROUP BY order_date, store_id
)

SELECT
    d.order_date AS sales_date,
    d.store_id,
    CAST(d.n_orders AS INTEGER) AS n_orders,
    CAST(d.n_customers AS INTEGER) AS n_customers,
    CAST(d.n_units AS INTEGER) AS n_units,
    CAST(d.revenue AS DECIMAL(14, 2)) AS revenue,
    CAST(
        CAST(floor((2 * d.revenue_cents + d.n_orders) / (2 * d.n_orders)) AS BIGINT) * 0.01
        AS DECIMAL(10, 2)
    ) AS avg_basket,
    CAST(
        CAST(floor((2000 * d.n_online + d.n_orders) / (2 * d.n_orders)) AS BIGINT) * 0.1
        AS DECIMAL(5, 1)
    ) AS online_share_pct,
    c.category AS top_category
FROM store_days AS d
INNER JOIN ranked_categories AS c
    ON c.order_date = d.order_date AND c.store_id = d.store_id AND c.category_rank = 1
ORDER BY sales_date, d.store_id
