-- The three tables of the ride-hailing dataset. The generator and the test fixtures both
-- create their tables from this file, so the Parquet files always share one schema.
-- No NOT NULL or foreign-key constraints on purpose: the data-quality checks (quality.py)
-- are what enforce them, so that bad data can be loaded and reported instead of refused.

-- One row per city: its tariff and what a driver is paid per hour on shift.
CREATE TABLE cities (
    city_id VARCHAR,             -- short code, e.g. 'AMS'
    city_name VARCHAR,
    base_fare DOUBLE,            -- flag-fall, in euros
    fare_per_km DOUBLE,          -- euros per kilometre
    driver_hourly_wage DOUBLE    -- euros per hour on shift, paid whether busy or idle
);

-- One row per driver shift. A shift covers the whole hours [start_hour, end_hour) of one day.
CREATE TABLE shifts (
    shift_id BIGINT,
    driver_id BIGINT,
    city_id VARCHAR,
    shift_date DATE,
    start_hour INTEGER,          -- 0..23
    end_hour INTEGER,            -- start_hour + 1 .. 24 (exclusive)
    wage DOUBLE                  -- euros paid for the shift
);

-- One row per trip a driver accepted. Requests no driver accepted are not trips.
CREATE TABLE trips (
    trip_id BIGINT,
    shift_id BIGINT,             -- the shift of the driver who accepted it
    city_id VARCHAR,
    trip_date DATE,
    request_hour INTEGER,        -- 0..23
    pickup_minutes DOUBLE,       -- minutes from acceptance until the driver reaches the rider
                                 -- (for a cancelled trip: the wait the rider was facing)
    distance_km DOUBLE,
    fare DOUBLE,                 -- euros paid by the rider; 0 when cancelled
    status VARCHAR               -- 'completed' or 'cancelled' (rider gave up waiting)
);
