-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
CREATE INDEX CONCURRENTLY users_slow_idx ON users ((slow_id(id)));

-- +goose Down
DROP INDEX CONCURRENTLY users_slow_idx;
DROP INDEX CONCURRENTLY users_email_idx;
