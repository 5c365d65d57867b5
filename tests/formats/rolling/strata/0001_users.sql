-- strata:up
CREATE TABLE users (id bigserial PRIMARY KEY, name text, display_name text);
-- strata:down
DROP TABLE users;
