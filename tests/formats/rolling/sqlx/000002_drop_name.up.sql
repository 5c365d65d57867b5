-- strata:after-deploy
ALTER TABLE users DROP COLUMN name;
