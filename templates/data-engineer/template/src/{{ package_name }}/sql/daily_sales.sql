-- Daily sales mart: one row per date and store.
-- Only orders with at least one valid line count as sales. avg_basket is revenue per order
-- (DuckDB divides decimals in floating point, so it is a statistic rounded to the cent, not
-- a ledger amount). The top category is the one with the highest revenue, ties by name.
WITH sold_orders AS (
    SELECT *
    FROM stg_orders
    WHERE n_lines > 0
),

category_revenue AS (
    SELECT
        order_date,
        store_id,
        category,
        sum(line_amount) AS revenue
    FROM stg_line_items
    GROUP BY order_date, store_id, category
),

top_category AS (
    SELECT
        order_date,
        store_id,
        category
    FROM category_revenue
    QUALIFY row_number() OVER (
        PARTITION BY order_date, store_id ORDER BY revenue DESC, category
    ) = 1
)

SELECT
    s.order_date AS sales_date,
    s.store_id,
    CAST(count(*) AS INTEGER) AS n_orders,
    CAST(count(DISTINCT s.customer_id) AS INTEGER) AS n_customers,
    CAST(sum(s.n_units) AS INTEGER) AS n_units,
    CAST(sum(s.order_total) AS DECIMAL(14, 2)) AS revenue,
    CAST(sum(s.order_total) / count(*) AS DECIMAL(10, 2)) AS avg_basket,
    CAST(100.0 * count(*) FILTER (WHERE s.channel <> 'in_store') / count(*) AS DECIMAL(5, 1))
        AS online_share_pct,
    t.category AS top_category
FROM sold_orders AS s
INNER JOIN top_category AS t ON t.order_date = s.order_date AND t.store_id = s.store_id
GROUP BY s.order_date, s.store_id, t.category
ORDER BY sales_date, s.store_id
