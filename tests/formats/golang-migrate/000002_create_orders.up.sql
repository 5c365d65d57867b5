BEGIN;

CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, -- owner; cascade
  status order_status NOT NULL DEFAULT 'new',
  total_cents bigint NOT NULL CHECK (total_cents >= 0)
);

COMMIT;
