-- strata:description paid orders
-- strata:parents 0004_orders_by_status
-- strata:up
CREATE VIEW paid_orders AS
  SELECT o.id, o.user_id, o.total_cents -- paid; not yet shipped
  FROM orders o
  WHERE o.status = 'paid';

-- strata:down
DROP VIEW paid_orders;
