/* totals are computed on read; no cache */
CREATE FUNCTION order_total(p_user bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  total bigint;
BEGIN
  SELECT coalesce(sum(total_cents), 0) INTO total FROM orders WHERE user_id = p_user;
  RETURN total;
END;
$$;
