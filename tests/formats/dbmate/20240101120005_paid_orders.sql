-- migrate:up
CREATE VIEW paid_orders AS
  SELECT o.id, o.user_id, o.total_cents -- paid; not yet shipped
  FROM orders o
  WHERE o.status = 'paid';

-- migrate:down
DROP VIEW paid_orders;
