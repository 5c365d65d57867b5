-- strata:allow changing-column-type: a rollback narrows the column back, which rewrites the table; accepted
ALTER TABLE products ALTER COLUMN code TYPE varchar(8);
-- strata:allow changing-column-type: likewise
ALTER TABLE products ALTER COLUMN name TYPE varchar(50), ALTER COLUMN price TYPE numeric(10,2);
