-- strata:description users with an email
-- strata:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- strata:down
DROP TABLE users;
