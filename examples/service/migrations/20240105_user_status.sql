-- strata:description a status for each user
-- strata:parents 20240104_users_by_created_at
-- strata:up
CREATE TYPE user_status AS ENUM ('active', 'suspended');
ALTER TABLE users ADD COLUMN status user_status NOT NULL DEFAULT 'active';
-- strata:down
ALTER TABLE users DROP COLUMN status;
DROP TYPE user_status;
