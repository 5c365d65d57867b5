-- +goose Up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 100) g;
-- an index expression that sleeps 20 ms per row: its concurrent build takes a few seconds
-- +goose StatementBegin
CREATE FUNCTION slow_id(x bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM pg_sleep(0.02);
  RETURN x;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION slow_id(bigint);
DROP TABLE users;
