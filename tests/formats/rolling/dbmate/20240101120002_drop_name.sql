-- strata:after-deploy
-- migrate:up
ALTER TABLE users DROP COLUMN name;
-- migrate:down
ALTER TABLE users ADD COLUMN name text;
