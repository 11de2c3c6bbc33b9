-- KPIs by hour of day, all cities together: when the service is stretched.
-- One row for each of the 24 hours, whether or not anything happened in it.
--
-- A shift counts one driver hour in every hour it covers, [start_hour, end_hour), and its
-- wage is spread evenly over those hours. Trips count in the hour they were requested.
-- Same definitions as kpis_by_city.sql otherwise.
WITH shift_hours AS (
    SELECT
        unnest(range(start_hour, end_hour)) AS hour,
        wage / (end_hour - start_hour) AS wage_per_hour
    FROM shifts
),

supply AS (
    SELECT
        hour,
        count(*) AS driver_hours,
        sum(wage_per_hour) AS driver_wages
    FROM shift_hours
    GROUP BY hour
),

service AS (
    SELECT
        request_hour AS hour,
        count(*) FILTER (WHERE status = 'completed') AS completed_trips,
        sum(fare) FILTER (WHERE status = 'completed') AS revenue,
        median(pickup_minutes) FILTER (WHERE status = 'completed') AS median_pickup_min,
        avg(pickup_minutes) FILTER (WHERE status = 'completed') AS mean_pickup_min
    FROM trips
    GROUP BY request_hour
)

SELECT
    h.range::INTEGER AS hour,
    coalesce(v.completed_trips, 0) AS completed_trips,
    round(coalesce(v.revenue, 0.0), 2) AS revenue,
    v.median_pickup_min::DOUBLE AS median_pickup_min,
    v.mean_pickup_min AS mean_pickup_min,
    coalesce(s.driver_hours, 0) AS driver_hours,
    round(coalesce(s.driver_wages, 0.0), 2) AS driver_wages,
    coalesce(v.revenue, 0.0) / nullif(s.driver_hours, 0) AS revenue_per_driver_hour
FROM range(24) AS h
LEFT JOIN supply AS s ON s.hour = h.range
LEFT JOIN service AS v ON v.hour = h.range
ORDER BY hour
