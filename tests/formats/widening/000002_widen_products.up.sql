-- widenings PostgreSQL makes without rewriting the table
ALTER TABLE products ALTER COLUMN name TYPE text, ALTER COLUMN price TYPE numeric(14,2);
ALTER TABLE products ALTER COLUMN code SET DATA TYPE varchar(16);
