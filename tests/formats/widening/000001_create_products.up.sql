CREATE TABLE products (
  id bigserial PRIMARY KEY,
  name varchar(50) NOT NULL,
  price numeric(10,2) NOT NULL,
  code character varying(8),
  stock integer NOT NULL DEFAULT 0
);
