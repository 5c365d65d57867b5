-- +goose Up
CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());

-- +goose Down
DROP TABLE audit;
