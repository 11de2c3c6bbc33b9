-- Customer features for the coupon system, as of one date ($1), over the 28 days up to it:
-- recency, frequency and monetary value, the average basket, the share of online orders and
-- the favourite category (the top category of the customer's biggest-spending day).
SELECT
    $1::DATE AS as_of_date,
    customer_id,
    CAST(date_diff('day', max(activity_date), $1::DATE) AS INTEGER) AS recency_days,
    CAST(sum(n_orders) AS INTEGER) AS frequency_28d,
    CAST(sum(spend) AS DECIMAL(14, 2)) AS monetary_28d,
    CAST(sum(spend) / sum(n_orders) AS DECIMAL(10, 2)) AS avg_basket_28d,
    CAST(sum(n_online_orders) / sum(n_orders) AS DECIMAL(4, 3)) AS online_share_28d,
    first(top_category ORDER BY spend DESC, activity_date DESC) AS favourite_category
FROM customer_daily
WHERE activity_date BETWEEN $1::DATE - 27 AND $1::DATE
GROUP BY customer_id
ORDER BY customer_id
