-- KPIs by city: the headline table of the report.
-- One row per city in `cities` (a city with no activity shows zeros, not a missing row).
--
-- Definitions (kept here only; the report and the tests read them from this file):
--   completed_trips          trips with status 'completed'
--   cancellation_rate        cancelled trips / accepted trips (riders who gave up waiting)
--   revenue                  sum of fares of completed trips, euros
--   median/mean_pickup_min   minutes from acceptance to pickup, over completed trips
--   driver_hours             sum over shifts of (end_hour - start_hour)
--   driver_wages             sum of shift wages, euros
--   revenue_per_driver_hour  revenue / driver_hours (NULL when no driver worked)
--   revenue_minus_wages      revenue - driver_wages, euros: what is left after paying drivers
WITH shift_totals AS (
    SELECT
        city_id,
        sum(end_hour - start_hour) AS driver_hours,
        sum(wage) AS driver_wages
    FROM shifts
    GROUP BY city_id
),

trip_totals AS (
    SELECT
        city_id,
        count(*) AS accepted_trips,
        count(*) FILTER (WHERE status = 'completed') AS completed_trips,
        sum(fare) FILTER (WHERE status = 'completed') AS revenue,
        median(pickup_minutes) FILTER (WHERE status = 'completed') AS median_pickup_min,
        avg(pickup_minutes) FILTER (WHERE status = 'completed') AS mean_pickup_min
    FROM trips
    GROUP BY city_id
)

SELECT
    c.city_id,
    c.city_name,
    coalesce(t.completed_trips, 0) AS completed_trips,
    coalesce(
        (t.accepted_trips - t.completed_trips) / nullif(t.accepted_trips, 0)::DOUBLE, 0.0
    ) AS cancellation_rate,
    round(coalesce(t.revenue, 0.0), 2) AS revenue,
    t.median_pickup_min::DOUBLE AS median_pickup_min,
    t.mean_pickup_min AS mean_pickup_min,
    coalesce(s.driver_hours, 0)::BIGINT AS driver_hours,
    round(coalesce(s.driver_wages, 0.0), 2) AS driver_wages,
    coalesce(t.revenue, 0.0) / nullif(s.driver_hours, 0) AS revenue_per_driver_hour,
    round(coalesce(t.revenue, 0.0) - coalesce(s.driver_wages, 0.0), 2) AS revenue_minus_wages
FROM cities AS c
LEFT JOIN trip_totals AS t ON t.city_id = c.city_id
LEFT JOIN shift_totals AS s ON s.city_id = c.city_id
ORDER BY c.city_id
