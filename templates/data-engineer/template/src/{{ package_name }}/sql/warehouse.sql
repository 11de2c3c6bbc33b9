-- Warehouse tables. Every data table carries the logical date it was loaded for, which is
-- the unit of reloading: a run deletes that date's rows and inserts the new ones in one
-- transaction. Primary keys make a duplicate load fail loudly instead of double counting.
-- The two staging tables, one row per order and per order line, have no index: the load
-- checks their keys instead (load.UNIQUE_KEYS), because DuckDB's index made reloading a day
-- of ten million lines take 148 s instead of 13 s.
CREATE TABLE IF NOT EXISTS stg_orders (
    order_id VARCHAR NOT NULL,
    order_date DATE NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    store_id VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    payment_method VARCHAR NOT NULL,
    n_lines INTEGER NOT NULL,
    n_units INTEGER NOT NULL,
    order_total DECIMAL(12, 2) NOT NULL
);

CREATE TABLE IF NOT EXISTS stg_line_items (
    order_id VARCHAR NOT NULL,
    line_no INTEGER NOT NULL,
    order_date DATE NOT NULL,
    store_id VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    line_amount DECIMAL(12, 2) NOT NULL
);

CREATE TABLE IF NOT EXISTS daily_sales (
    sales_date DATE NOT NULL,
    store_id VARCHAR NOT NULL,
    n_orders INTEGER NOT NULL,
    n_customers INTEGER NOT NULL,
    n_units INTEGER NOT NULL,
    revenue DECIMAL(14, 2) NOT NULL,
    avg_basket DECIMAL(10, 2) NOT NULL,
    online_share_pct DECIMAL(5, 1) NOT NULL,
    top_category VARCHAR NOT NULL,
    PRIMARY KEY (sales_date, store_id)
);

CREATE TABLE IF NOT EXISTS quarantine (
    logical_date DATE NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    line_number INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    raw_record VARCHAR NOT NULL,
    PRIMARY KEY (source_file, line_number)
);

CREATE TABLE IF NOT EXISTS customer_daily (
    activity_date DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    n_orders INTEGER NOT NULL,
    n_units INTEGER NOT NULL,
    spend DECIMAL(12, 2) NOT NULL,
    n_online_orders INTEGER NOT NULL,
    top_category VARCHAR NOT NULL,
    PRIMARY KEY (activity_date, customer_id)
);

-- Published by the publish task: one row per customer active in the 28 days up to as_of_date.
CREATE TABLE IF NOT EXISTS customer_features (
    as_of_date DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    recency_days INTEGER NOT NULL,
    frequency_28d INTEGER NOT NULL,
    monetary_28d DECIMAL(14, 2) NOT NULL,
    avg_basket_28d DECIMAL(10, 2) NOT NULL,
    online_share_28d DECIMAL(4, 3) NOT NULL,
    favourite_category VARCHAR NOT NULL,
    PRIMARY KEY (as_of_date, customer_id)
);

-- Append-only audit log: one row per task per run, failed runs included.
CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id VARCHAR NOT NULL,
    logical_date DATE NOT NULL,
    task VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    rows_in BIGINT NOT NULL,
    rows_out BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    duration_ms DOUBLE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    error VARCHAR,
    PRIMARY KEY (run_id, task)
);
