-- What another driver on shift buys: service and money by supply quartile.
--
-- A cell is one city, day and hour with at least one driver on shift. Cells are ranked by
-- drivers on shift *within the same city and hour of day* and split into quartiles
-- (supply_band 1 = the most thinly staffed quarter). Comparing like with like removes the
-- obvious confounder - busy hours have both more drivers and more riders - so the bands
-- differ mainly in staffing. Each band reports per-cell averages, a 95% interval for the
-- mean margin (normal approximation, 1.96 standard errors), and the marginal effect of one
-- more driver between consecutive bands.
WITH shift_hours AS (
    SELECT
        city_id,
        shift_date AS day,
        unnest(range(start_hour, end_hour)) AS hour,
        wage / (end_hour - start_hour) AS wage_per_hour
    FROM shifts
),

supply AS (
    SELECT
        city_id,
        day,
        hour,
        count(*) AS drivers_on_shift,
        sum(wage_per_hour) AS driver_wages
    FROM shift_hours
    GROUP BY city_id, day, hour
),

service AS (
    SELECT
        city_id,
        trip_date AS day,
        request_hour AS hour,
        count(*) FILTER (WHERE status = 'completed') AS completed_trips,
        coalesce(sum(fare) FILTER (WHERE status = 'completed'), 0.0) AS revenue,
        sum(pickup_minutes) FILTER (WHERE status = 'completed') AS pickup_minutes_total
    FROM trips
    GROUP BY city_id, trip_date, request_hour
),

cells AS (
    SELECT
        s.drivers_on_shift,
        s.driver_wages,
        coalesce(v.completed_trips, 0) AS completed_trips,
        coalesce(v.revenue, 0.0) AS revenue,
        v.pickup_minutes_total,
        coalesce(v.revenue, 0.0) - s.driver_wages AS margin,
        ntile(4) OVER (
            PARTITION BY s.city_id, s.hour ORDER BY s.drivers_on_shift, s.day
        ) AS supply_band
    FROM supply AS s
    LEFT JOIN service AS v USING (city_id, day, hour)
),

bands AS (
    SELECT
        supply_band,
        count(*) AS cells,
        avg(drivers_on_shift) AS drivers_on_shift,
        sum(pickup_minutes_total) / nullif(sum(completed_trips), 0) AS mean_pickup_min,
        avg(completed_trips) AS completed_trips,
        avg(revenue) AS revenue,
        avg(driver_wages) AS driver_wages,
        avg(margin) AS margin,
        1.96 * stddev_samp(margin) / sqrt(count(*)) AS margin_ci95
    FROM cells
    GROUP BY supply_band
)

SELECT
    supply_band::INTEGER AS supply_band,
    cells,
    drivers_on_shift,
    mean_pickup_min,
    completed_trips,
    revenue,
    driver_wages,
    margin,
    coalesce(margin_ci95, 0.0)::DOUBLE AS margin_ci95,
    (completed_trips - lag(completed_trips) OVER w)
    / (drivers_on_shift - lag(drivers_on_shift) OVER w) AS trips_per_extra_driver,
    (revenue - lag(revenue) OVER w)
    / (drivers_on_shift - lag(drivers_on_shift) OVER w) AS revenue_per_extra_driver
FROM bands
WINDOW w AS (ORDER BY supply_band)
ORDER BY supply_band
