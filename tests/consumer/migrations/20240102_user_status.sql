-- strata:description a status for each user
-- strata:up
CREATE TYPE user_status AS ENUM ('active', 'gone');
ALTER TABLE users ADD COLUMN status user_status;
-- strata:down
ALTER TABLE users DROP COLUMN status;
DROP TYPE user_status;
