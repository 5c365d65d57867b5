#pragma once
// Migration sets the PostgreSQL tests and the runner process share.

#include <strata/strata.hpp>

namespace strata::testing::sets {

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n"
      "INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com')"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct names : strata::migration<"0002_names", "0001_users"> {
  static void up(strata::transaction& tx) {
    tx.execute("ALTER TABLE users ADD COLUMN name text");
    tx.execute("UPDATE users SET name = split_part(email, '@', 1)");
  }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE users DROP COLUMN name"); }
};
struct email_index : strata::migration<"0003_email_index", "0002_names"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx"};
};
struct orders : strata::migration<"0004_orders", "0003_email_index"> {
  static constexpr strata::sql up{
      "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
      "CREATE FUNCTION order_count() RETURNS bigint AS $$ SELECT count(*) FROM orders; $$ LANGUAGE sql"};
  static constexpr strata::sql down{"DROP FUNCTION order_count(); DROP TABLE orders"};
};
using basic = strata::registry<users, names, email_index, orders>;

// For 8 racing runners: a slow step and a concurrent index build.
struct slowish : strata::migration<"0005_slowish", "0004_orders"> {
  static constexpr strata::sql up{"SELECT pg_sleep(0.3); CREATE TABLE audit (at timestamptz DEFAULT now())"};
  static constexpr strata::sql down{"DROP TABLE audit"};
};
struct audit_index : strata::migration<"0006_audit_index", "0005_slowish"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_at_idx ON audit (at)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS audit_at_idx"};
};
using race = strata::registry<users, names, email_index, orders, slowish, audit_index>;

// For runners through a pooler in transaction mode: transactional revisions only; one changes a
// session-level setting inside its transaction, one has its own lock_timeout (SET LOCAL).
struct pooled_orders : strata::migration<"0003_orders", "0002_names"> {
  static constexpr strata::sql up{"CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id))"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};
struct pooled_setting : strata::migration<"0004_setting", "0003_orders"> {
  static constexpr auto lock_timeout = std::chrono::milliseconds{4321};
  static constexpr strata::sql up{"SET work_mem = '7MB'; SELECT pg_sleep(0.2); CREATE TABLE audit (at timestamptz DEFAULT now())"};
  static constexpr strata::sql down{"DROP TABLE audit"};
};
struct pooled_last : strata::migration<"0005_last", "0004_setting"> {
  static constexpr strata::sql up{"CREATE TABLE last_one (x int)"};
  static constexpr strata::sql down{"DROP TABLE last_one"};
};
using pooled = strata::registry<users, names, pooled_orders, pooled_setting, pooled_last>;

// For the SIGKILL test: a migration that takes a while.
struct slow : strata::migration<"0005_slow", "0004_orders"> {
  static constexpr strata::sql up{"CREATE TABLE slow_marker (x int); SELECT pg_sleep(3); INSERT INTO slow_marker VALUES (1)"};
  static constexpr strata::sql down{"DROP TABLE slow_marker"};
};
struct after_slow : strata::migration<"0006_after_slow", "0005_slow"> {
  static constexpr strata::sql up{"CREATE TABLE after_slow (x int)"};
  static constexpr strata::sql down{"DROP TABLE after_slow"};
};
using killable = strata::registry<users, names, email_index, orders, slow, after_slow>;

// For the interrupted concurrent index build: an index whose build takes about two seconds (an
// expression that sleeps 20 ms per row, over 100 rows).
struct slow_expression : strata::migration<"0005_slow_expression", "0004_orders"> {
  static constexpr strata::sql up{
      "CREATE FUNCTION slow_id(x bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(0.02); "
      "RETURN x; END $$;\n"
      "INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 98) g"};
  static constexpr strata::sql down{"DELETE FROM users WHERE id > 2; DROP FUNCTION slow_id(bigint)"};
};
struct slow_index : strata::migration<"0006_slow_index", "0005_slow_expression"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_slow_idx ON users ((slow_id(id)))"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_slow_idx"};
};
using resumable = strata::registry<users, names, email_index, orders, slow_expression, slow_index>;

}  // namespace strata::testing::sets
