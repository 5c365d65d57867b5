-- +goose Up
CREATE VIEW paid_orders AS
  SELECT o.id, o.user_id, o.total_cents -- paid; not yet shipped
  FROM orders o
  WHERE o.status = 'paid';

-- +goose Down
DROP VIEW paid_orders;
