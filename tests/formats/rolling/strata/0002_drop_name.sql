-- strata:description name replaced by display_name
-- strata:after-deploy
-- strata:up
ALTER TABLE users DROP COLUMN name;
-- strata:down
ALTER TABLE users ADD COLUMN name text;
