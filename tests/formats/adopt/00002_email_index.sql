-- +goose Up
-- written before strata: an index built under a write lock, a required column
CREATE INDEX users_email ON users (email);
ALTER TABLE users ADD COLUMN plan text NOT NULL;
-- +goose Down
DROP INDEX users_email;
ALTER TABLE users DROP COLUMN plan;
