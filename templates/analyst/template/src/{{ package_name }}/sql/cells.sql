-- The metric layer's grain: one row per city, day and hour with a driver on shift or a trip.
-- Every column is additive, so any measure in dictionary.yml can be summed over any set of
-- cells: by city, by day, by hour, by weekday or by staffing band.
--
-- A shift counts one driver in every hour it covers, [start_hour, end_hour), and its wage is
-- spread evenly over those hours. Trips count in the hour they were requested; pickup minutes
-- are summed over completed trips only, so dividing by completed trips gives their mean.
--
-- Money and minutes are summed as DECIMAL and turned back into DOUBLE: a parallel sum of
-- DOUBLEs adds in whatever order the threads finish, so the last digits (and a total that sits
-- on a cent boundary) would change from run to run; a DECIMAL sum is exact in any order. The
-- rows come out in a fixed order for the same reason: a measure sums DOUBLEs over them.
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
        sum(wage_per_hour::DECIMAL(18, 6))::DOUBLE AS driver_wages
    FROM shift_hours
    GROUP BY city_id, day, hour
),

service AS (
    SELECT
        city_id,
        trip_date AS day,
        request_hour AS hour,
        count(*) AS accepted_trips,
        count(*) FILTER (WHERE status = 'completed') AS completed_trips,
        coalesce(sum(fare::DECIMAL(18, 6)) FILTER (WHERE status = 'completed')::DOUBLE, 0.0) AS revenue,
        coalesce(
            sum(pickup_minutes::DECIMAL(18, 6)) FILTER (WHERE status = 'completed')::DOUBLE, 0.0
        ) AS pickup_minutes
    FROM trips
    GROUP BY city_id, trip_date, request_hour
)

SELECT
    city_id,
    day,
    hour::INTEGER AS hour,
    isodow(day)::INTEGER AS weekday,
    coalesce(s.drivers_on_shift, 0)::BIGINT AS drivers_on_shift,
    coalesce(s.driver_wages, 0.0) AS driver_wages,
    coalesce(v.accepted_trips, 0)::BIGINT AS accepted_trips,
    coalesce(v.completed_trips, 0)::BIGINT AS completed_trips,
    coalesce(v.revenue, 0.0) AS revenue,
    coalesce(v.pickup_minutes, 0.0) AS pickup_minutes,
    -- Staffing quartile against other days at the same hour in the same city (1 = thinnest):
    -- comparing like with like removes the obvious confounder, busy hours having both more
    -- drivers and more riders.
    ntile(4) OVER (
        PARTITION BY city_id, hour ORDER BY coalesce(s.drivers_on_shift, 0), day
    )::INTEGER AS supply_band
FROM supply AS s
FULL JOIN service AS v USING (city_id, day, hour)
ORDER BY city_id, day, hour
