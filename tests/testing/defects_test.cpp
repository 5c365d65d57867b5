// Registries whose `down` is wrong, for the testing kit to catch (checked by check_defects.py,
// which reads this binary's results: each defect fails its revision's case with the difference,
// every other case passes).
#include <strata/testing.hpp>

namespace enum_left_behind {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct orders : strata::migration<"0002_orders", "0001_users"> {
  static constexpr strata::sql up{
      "CREATE TYPE order_status AS ENUM ('new', 'paid');\n"
      "CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE orders"};  // forgets the type
};
using migrations = strata::registry<users, orders>;
}  // namespace enum_left_behind

namespace wrong_index_dropped {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text, name text);\n"
      "CREATE INDEX users_email_idx ON users (email)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct by_name : strata::migration<"0002_users_by_name", "0001_users"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx"};  // the wrong one
};
using migrations = strata::registry<users, by_name>;
}  // namespace wrong_index_dropped

namespace column_type_changed {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct drop_email : strata::migration<"0002_drop_email", "0001_users"> {
  static constexpr strata::sql up{
      "-- strata:allow ban-drop-column: emails move to another service\n"
      "ALTER TABLE users DROP COLUMN email"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN email varchar(200)"};  // another type
};
struct names : strata::migration<"0003_names", "0002_drop_email"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN name text"};
  static constexpr strata::sql down{
      "-- strata:allow ban-drop-column: the column this revision added\n"
      "ALTER TABLE users DROP COLUMN name"};
};
using migrations = strata::registry<users, drop_email, names>;
}  // namespace column_type_changed

STRATA_MIGRATION_TESTS(enum_left_behind::migrations);
STRATA_MIGRATION_TESTS(wrong_index_dropped::migrations);
STRATA_MIGRATION_TESTS(column_type_changed::migrations);
