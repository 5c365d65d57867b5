#pragma once
// The example service's schema, as strata migrations. Two branches (profiles, orders) start from
// the users table and are joined by a merge.

#include <strata/strata.hpp>

namespace example {

struct create_users : strata::migration<"20240101_create_users"> {
  static constexpr std::string_view description = "users with an email";
  static constexpr strata::sql up{
      "CREATE TABLE users (\n"
      "  id bigserial PRIMARY KEY,\n"
      "  email text NOT NULL UNIQUE,\n"
      "  created_at timestamptz NOT NULL DEFAULT now()\n"
      ")"};
  static constexpr strata::sql down{"DROP TABLE users"};
};

struct add_display_name : strata::migration<"20240102_add_display_name", "20240101_create_users"> {
  static void up(strata::transaction& tx) { tx.execute("ALTER TABLE users ADD COLUMN display_name text"); }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE users DROP COLUMN display_name"); }
};

// A data migration: cannot be undone, so a downgrade past it is refused before anything runs.
struct backfill_display_name : strata::migration<"20240103_backfill_display_name", "20240102_add_display_name"> {
  static constexpr strata::sql up{
      "UPDATE users SET display_name = split_part(email, '@', 1) WHERE display_name IS NULL"};
  static constexpr auto down = strata::irreversible;
};

// Outside any transaction: PostgreSQL refuses CREATE INDEX CONCURRENTLY inside one.
struct users_by_created_at : strata::migration<"20240104_users_by_created_at", "20240103_backfill_display_name"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_at_idx ON users (created_at)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_created_at_idx"};
};

// Two branches...
struct create_orders : strata::migration<"20240105_create_orders", "20240104_users_by_created_at"> {
  static constexpr strata::sql up{
      "CREATE TABLE orders (\n"
      "  id bigserial PRIMARY KEY,\n"
      "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
      "  total_cents bigint NOT NULL CHECK (total_cents >= 0)\n"
      ");\n"
      "CREATE INDEX orders_user_idx ON orders (user_id)"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};

struct user_status : strata::migration<"20240105_user_status", "20240104_users_by_created_at"> {
  static constexpr strata::sql up{
      "CREATE TYPE user_status AS ENUM ('active', 'suspended');\n"
      "ALTER TABLE users ADD COLUMN status user_status NOT NULL DEFAULT 'active'"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN status; DROP TYPE user_status"};
};

// ...joined by a merge, so the graph has one head again.
struct merge_orders_and_status : strata::migration<"20240106_merge", "20240105_create_orders", "20240105_user_status"> {
  static constexpr strata::sql up{""};
  static constexpr strata::sql down{""};
};

using migrations = strata::registry<create_users, add_display_name, backfill_display_name, users_by_created_at,
                                    create_orders, user_status, merge_orders_and_status>;

}  // namespace example
