-- strata:description users display name
-- strata:parents 0004_orders_by_status
-- strata:up
ALTER TABLE users ADD COLUMN display_name text;

-- strata:down
ALTER TABLE users DROP COLUMN display_name;
