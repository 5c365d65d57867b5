-- strata:description users with an email
-- strata:up
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- strata:down
DROP TABLE users;
