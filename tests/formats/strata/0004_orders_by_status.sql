-- strata:description orders by status
-- strata:no-transaction
-- strata:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);

-- strata:down
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
