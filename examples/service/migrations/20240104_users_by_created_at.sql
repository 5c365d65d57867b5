-- Outside any transaction: PostgreSQL refuses CREATE INDEX CONCURRENTLY inside one.
-- strata:description users by creation time, built without blocking writes
-- strata:no-transaction
-- strata:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_at_idx ON users (created_at);
-- strata:down
DROP INDEX CONCURRENTLY IF EXISTS users_created_at_idx;
