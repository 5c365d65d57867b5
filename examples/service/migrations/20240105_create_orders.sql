-- Two branches start from the index...
-- strata:description orders of a user
-- strata:parents 20240104_users_by_created_at
-- strata:up
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total_cents bigint NOT NULL CHECK (total_cents >= 0)
);
CREATE INDEX orders_user_idx ON orders (user_id);
-- strata:down
DROP TABLE orders;
