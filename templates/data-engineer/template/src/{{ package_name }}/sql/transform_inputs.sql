-- Typed landing tables for the validated rows of one logical date.
-- The transform task fills them from Python, then builds the models on top of them.
CREATE TABLE valid_orders (
    order_id VARCHAR NOT NULL,
    store_id VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    ordered_at TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL,
    payment_method VARCHAR NOT NULL
);

CREATE TABLE valid_line_items (
    order_id VARCHAR NOT NULL,
    line_no INTEGER NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL
);
