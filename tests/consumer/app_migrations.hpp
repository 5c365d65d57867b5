#pragma once
// The consumer's migrations, shared by its service and its tests.
#include <strata/strata.hpp>

struct create_users : strata::migration<"20240101_create_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct user_status : strata::migration<"20240102_user_status", "20240101_create_users"> {
  static constexpr strata::sql up{
      "CREATE TYPE user_status AS ENUM ('active', 'gone');\n"
      "ALTER TABLE users ADD COLUMN status user_status"};
  static constexpr strata::sql down{
      "-- strata:allow ban-drop-column: the column this revision added\n"
      "ALTER TABLE users DROP COLUMN status; DROP TYPE user_status"};
};
using app_migrations = strata::registry<create_users, user_status>;
