-- +goose Up
ALTER TABLE users DROP COLUMN plan;
-- +goose Down
ALTER TABLE users ADD COLUMN plan text;
