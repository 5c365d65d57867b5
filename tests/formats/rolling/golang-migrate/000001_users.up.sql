CREATE TABLE users (id bigserial PRIMARY KEY, name text, display_name text);
